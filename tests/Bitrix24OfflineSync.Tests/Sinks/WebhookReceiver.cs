using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bitrix24OfflineSync.Tests.Sinks;

/// <summary>
/// A Standard Webhooks receiver on a loopback port: records every request with its headers, and answers with the
/// status codes a test scripts (then with <see cref="DefaultStatus"/>), a redirect, or no answer at all.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<WebhookDelivery> _received = Channel.CreateUnbounded<WebhookDelivery>();
    private readonly ConcurrentQueue<ReceiverAnswer> _script = new();
    private readonly CancellationTokenSource _stopping = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The answer once the script has run out.</summary>
    public int DefaultStatus { get; set; } = 200;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Map("/{**path}", receiver.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    /// <summary>The next requests are answered with these statuses, in order.</summary>
    public void Answer(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _script.Enqueue(new ReceiverAnswer(status, null, Hang: false));
        }
    }

    /// <summary>The next request gets no answer until the client gives up on it.</summary>
    public void Hang() => _script.Enqueue(new ReceiverAnswer(0, null, Hang: true));

    /// <summary>The next requests are redirected to <paramref name="location"/>.</summary>
    public void Redirect(int status, string location, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _script.Enqueue(new ReceiverAnswer(status, location, Hang: false));
        }
    }

    /// <summary>The next request received, waiting for it if need be (a few seconds at most).</summary>
    public async Task<WebhookDelivery> NextAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Every request received and not yet taken: after the sink returned, none means none was sent.</summary>
    public IReadOnlyList<WebhookDelivery> TakeAll()
    {
        var all = new List<WebhookDelivery>();
        while (_received.Reader.TryRead(out var delivery))
        {
            all.Add(delivery);
        }

        return all;
    }

    /// <summary>True when the signature header is <c>v1,</c> + base64 HMAC-SHA256 of <c>"{id}.{timestamp}.{body}"</c> under the secret's key.</summary>
    public static bool SignatureIsValid(WebhookDelivery delivery, string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{delivery.Id}.{delivery.Timestamp}.{delivery.Body}")));
        return delivery.Signature is { } actual
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers;
        var answer = _script.TryDequeue(out var scripted) ? scripted : new ReceiverAnswer(DefaultStatus, null, Hang: false);
        await _received.Writer.WriteAsync(new WebhookDelivery(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Request.ContentType,
            headers["webhook-id"].ToString(),
            headers["webhook-timestamp"].ToString(),
            headers["webhook-signature"].ToString(),
            body));
        if (answer.Hang)
        {
            using var gone = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            await Task.Delay(Timeout.InfiniteTimeSpan, gone.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        context.Response.StatusCode = answer.Status;
        if (answer.Location is not null)
        {
            context.Response.Headers.Location = answer.Location;
        }
    }

    private sealed record ReceiverAnswer(int Status, string? Location, bool Hang);
}

/// <summary>One request the receiver got: method, path with query, content type, the webhook headers and the raw body.</summary>
public sealed record WebhookDelivery(string Method, string Path, string? ContentType, string Id, string Timestamp, string Signature, string Body);
