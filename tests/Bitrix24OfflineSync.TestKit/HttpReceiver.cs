using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bitrix24OfflineSync.TestKit;

/// <summary>
/// The far end of an outgoing HTTP call, on a loopback port: the handler the emulator delivers events and install
/// callbacks to, the endpoint the service's HTTP sink posts to, or a portal or OAuth server that misbehaves. It records
/// every request, and answers with the status codes a test scripts (then with <see cref="DefaultStatus"/>), a
/// redirect, an answer the test writes itself, or no answer at all; it can refuse the requests a test picks, with a
/// status and a body, and go down (its port closed) and come back on the same port.
/// </summary>
public sealed class HttpReceiver : IAsyncDisposable
{
    /// <summary>How long <see cref="NextAsync"/> waits for a request: what is sent at once arrives well within it.</summary>
    public static readonly TimeSpan NextLimit = TimeSpan.FromSeconds(10);

    private readonly Channel<ReceivedRequest> _received = Channel.CreateUnbounded<ReceivedRequest>();
    private readonly ConcurrentQueue<ScriptedAnswer> _script = new();
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private volatile Refusal? _refusal;

    private HttpReceiver()
    {
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The answer once the script has run out.</summary>
    public int DefaultStatus { get; set; } = 200;

    public static async Task<HttpReceiver> StartAsync()
    {
        var receiver = new HttpReceiver();
        await receiver.ListenAsync("http://127.0.0.1:0");
        return receiver;
    }

    /// <summary>An absolute URL on this receiver.</summary>
    public string Url(string path) => new Uri(BaseAddress, path.TrimStart('/')).ToString();

    /// <summary>The next requests are answered with these statuses, in order.</summary>
    public void Answer(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _script.Enqueue(new ScriptedAnswer(status, null, Hang: false));
        }
    }

    /// <summary>The next <paramref name="times"/> requests are answered by <paramref name="write"/>.</summary>
    public void AnswerWith(RequestDelegate write, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _script.Enqueue(new ScriptedAnswer(200, null, Hang: false, write));
        }
    }

    /// <summary>The next request gets no answer until the client gives up on it.</summary>
    public void Hang() => _script.Enqueue(new ScriptedAnswer(0, null, Hang: true));

    /// <summary>The next requests are redirected to <paramref name="location"/>.</summary>
    public void Redirect(int status, string location, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _script.Enqueue(new ScriptedAnswer(status, location, Hang: false));
        }
    }

    /// <summary>
    /// From now on every request <paramref name="when"/> picks is answered with <paramref name="status"/> and
    /// <paramref name="body"/> (before the script), and with <paramref name="thenHang"/> the answer never ends; null
    /// stops refusing.
    /// </summary>
    public void Refuse(Func<ReceivedRequest, bool>? when, int status = 422, string body = "", bool thenHang = false)
    {
        _refusal = when is null ? null : new Refusal(when, status, body, thenHang);
    }

    /// <summary>Closes the port: a request meets a refused connection until <see cref="ComeBackAsync"/>. What was received stays.</summary>
    public async Task GoDownAsync()
    {
        var app = Interlocked.Exchange(ref _app, null) ?? throw new InvalidOperationException("The receiver is down already.");
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Listens again on the port it had.</summary>
    public Task ComeBackAsync() =>
        _app is null ? ListenAsync(BaseAddress.ToString().TrimEnd('/')) : throw new InvalidOperationException("The receiver is up.");

    /// <summary>The next request received, waiting for it if need be (<see cref="NextLimit"/> at most).</summary>
    public Task<ReceivedRequest> NextAsync() =>
        Wait.ForAsync(cancellationToken => _received.Reader.ReadAsync(cancellationToken).AsTask(), $"a request reached the receiver at {BaseAddress}", NextLimit);

    /// <summary>A request received and not yet taken, if any: once the sender is idle, none means none was sent.</summary>
    public bool TryTake([NotNullWhen(true)] out ReceivedRequest? request) => _received.Reader.TryRead(out request);

    /// <summary>Every request received and not yet taken: once the sender returned, none means none was sent.</summary>
    public IReadOnlyList<ReceivedRequest> TakeAll()
    {
        var all = new List<ReceivedRequest>();
        while (TryTake(out var request))
        {
            all.Add(request);
        }

        return all;
    }

    public async ValueTask DisposeAsync()
    {
        // Ends the requests left hanging, or stopping the app would wait for them.
        await _stopping.CancelAsync();
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task ListenAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Map("/{**path}", HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        // The body is read twice: as text for every test, then as a form for those that read fields by name.
        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        request.Body.Position = 0;
        var form = request.HasFormContentType
            ? (await request.ReadFormAsync(context.RequestAborted)).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal)
            : [];
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var received = new ReceivedRequest(request.Method, request.Path, request.QueryString.Value ?? "", request.ContentType, headers, body, form);
        if (_refusal is { } refusal && refusal.When(received))
        {
            await _received.Writer.WriteAsync(received);
            context.Response.StatusCode = refusal.Status;
            await context.Response.WriteAsync(refusal.Body, context.RequestAborted);
            if (refusal.ThenHang)
            {
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await HangAsync(context);
            }

            return;
        }

        var answer = _script.TryDequeue(out var scripted) ? scripted : new ScriptedAnswer(DefaultStatus, null, Hang: false);
        await _received.Writer.WriteAsync(received);
        if (answer.Hang)
        {
            await HangAsync(context);
            return;
        }

        context.Response.StatusCode = answer.Status;
        if (answer.Location is not null)
        {
            context.Response.Headers.Location = answer.Location;
        }

        if (answer.Write is not null)
        {
            await answer.Write(context);
        }
    }

    /// <summary>Holds the request until the client gives up on it or the receiver stops.</summary>
    private async Task HangAsync(HttpContext context)
    {
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        await Task.Delay(Timeout.InfiniteTimeSpan, gone.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private sealed record ScriptedAnswer(int Status, string? Location, bool Hang, RequestDelegate? Write = null);

    private sealed record Refusal(Func<ReceivedRequest, bool> When, int Status, string Body, bool ThenHang);
}
