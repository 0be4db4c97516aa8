using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>A handler endpoint on a loopback port that records every POST, so tests can await what the portal sent.</summary>
public sealed class HookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<HookRequest> _requests;

    private HookReceiver(WebApplication app, Channel<HookRequest> requests, Uri baseAddress)
    {
        _app = app;
        _requests = requests;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<HookReceiver> StartAsync()
    {
        var requests = Channel.CreateUnbounded<HookRequest>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/{**path}", async (HttpRequest request) =>
        {
            request.EnableBuffering();
            using var reader = new StreamReader(request.Body, leaveOpen: true);
            var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
            request.Body.Position = 0;
            var form = request.HasFormContentType
                ? (await request.ReadFormAsync(request.HttpContext.RequestAborted)).ToDictionary(p => p.Key, p => p.Value.ToString())
                : [];
            await requests.Writer.WriteAsync(new HookRequest(request.Path, request.ContentType ?? "", body, form));
            return Results.Ok();
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HookReceiver(app, requests, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>An absolute handler URL on this receiver.</summary>
    public string Url(string path) => new Uri(BaseAddress, path.TrimStart('/')).ToString();

    /// <summary>The next request received, waiting for it if need be (a few seconds at most).</summary>
    public async Task<HookRequest> NextAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        return await _requests.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>A request already received, if any: after the deliveries are idle, none means none was sent.</summary>
    public bool TryTake(out HookRequest? request) => _requests.Reader.TryRead(out request);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One POST a handler received: path, content type, raw body, and the form fields by their PHP-style names.</summary>
public sealed record HookRequest(string Path, string ContentType, string Body, IReadOnlyDictionary<string, string> Form)
{
    public string? this[string key] => Form.GetValueOrDefault(key);
}
