using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Events;
using Bitrix24OfflineSync.Emulator.Methods;
using Bitrix24OfflineSync.Emulator.OAuth;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator;

/// <summary>
/// The emulated Bitrix24 cloud: the OAuth server, the apps it knows, and any number of portals. It holds all state;
/// <see cref="Hosting.EmulatorServer"/> puts it behind real HTTP.
/// </summary>
public sealed partial class BitrixWorld : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, EmulatedPortal> _portals = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Task, bool> _background = new();
    private readonly Lock _randomSync = new();
    private readonly Random _random;
    private long _sequence;
    private long _requestIds;
    private long _connections;
    private volatile CloudProfileOptions _cloudDefaults;

    public BitrixWorld(EmulatorOptions? options = null, TimeProvider? time = null, HttpMessageHandler? outboundHandler = null)
    {
        Options = options ?? new EmulatorOptions();
        Time = time ?? TimeProvider.System;
        _cloudDefaults = Options.Cloud.Clone();
        _random = Options.Seed is { } seed ? new Random(seed) : new Random();
        Apps = [.. Options.Apps.Select(a => new EmulatedApp(a))];
        OAuth = new OAuthServer(this);
        Outbound = outboundHandler is null
            ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Options.DeliveryTimeout }
            : new HttpClient(outboundHandler, disposeHandler: false) { Timeout = Options.DeliveryTimeout };
        Methods = new MethodRegistry();
        OfflineEventMethods.Register(Methods);
        EventBindingMethods.Register(Methods);
        FeatureMethods.Register(Methods);
        UserMethods.Register(Methods);
        CrmMethods.Register(Methods);
        CrmTypeMethods.Register(Methods);
        CrmItemMethods.Register(Methods);
        ActivityMethods.Register(Methods);
        TaskMethods.Register(Methods);
        FieldMethods.Register(Methods);
        StatusMethods.Register(Methods);
        BatchMethod.Register(Methods);
        Invoker = new MethodInvoker(this);
        Writes = new BackgroundWrites(this);
        Events = new EventPublisher(this);
    }

    public EmulatorOptions Options { get; }

    public TimeProvider Time { get; }

    public IReadOnlyList<EmulatedApp> Apps { get; }

    /// <summary>The first configured app: the one helper methods act for unless told otherwise.</summary>
    public EmulatedApp DefaultApp => Apps[0];

    public OAuthServer OAuth { get; }

    /// <summary>Where the emulator listens; portal endpoints and the OAuth server hang below it.</summary>
    public Uri BaseAddress { get; internal set; } = new("http://127.0.0.1/");

    /// <summary>The OAuth server's base, as a client's <c>Bitrix24__OAuthServer</c> setting names it.</summary>
    public Uri OAuthServerAddress => BaseAddress;

    public IReadOnlyCollection<EmulatedPortal> Portals => [.. _portals.Values];

    /// <summary>The cloud profile new portals copy: the options' until <see cref="ConfigureCloudProfile"/> replaces it.</summary>
    public CloudProfileOptions CloudProfileDefaults => _cloudDefaults.Clone();

    /// <summary>Switches the cloud profile (or changes its costs) for every portal, those created later included.</summary>
    public void ConfigureCloudProfile(CloudProfileOptions options)
    {
        _cloudDefaults = options.Clone();
        foreach (var portal in _portals.Values)
        {
            portal.Cloud.Configure(options);
        }
    }

    /// <summary>TCP connections the emulator's server accepted (handshakes), whoever they were for: the REST clients, the OAuth clients, the control API.</summary>
    public long ConnectionsAccepted => Interlocked.Read(ref _connections);

    internal void CountConnection() => Interlocked.Increment(ref _connections);

    public MethodRegistry Methods { get; }

    internal MethodInvoker Invoker { get; }

    internal EventPublisher Events { get; }

    internal BackgroundWrites Writes { get; }

    /// <summary>Sends the server's own POSTs: event deliveries, install and uninstall callbacks.</summary>
    internal HttpClient Outbound { get; }

    public EmulatedPortal CreatePortal(string domain) =>
        _portals.TryAdd(domain, new EmulatedPortal(this, domain))
            ? _portals[domain]
            : throw new InvalidOperationException($"Portal {domain} exists already.");

    public EmulatedPortal Portal(string domain) =>
        _portals.TryGetValue(domain, out var portal) ? portal : throw new KeyNotFoundException($"No portal {domain}.");

    public EmulatedPortal? FindPortal(string domain) => _portals.GetValueOrDefault(domain);

    public EmulatedApp App(string? clientId = null) =>
        clientId is null ? DefaultApp : Apps.FirstOrDefault(a => a.ClientId == clientId) ?? throw new KeyNotFoundException($"No app {clientId}.");

    /// <summary>A number from the counter that orders the call log; tests stamp their own steps with it.</summary>
    public long NextSequence() => Interlocked.Increment(ref _sequence);

    internal long NextRequestId() => Interlocked.Increment(ref _requestIds);

    /// <summary>
    /// Makes a call as a portal user (the UI, a robot, a webhook): it is not an app's, so its events are queued for
    /// every app, after this returns (see <see cref="WhenEventsWrittenAsync"/>).
    /// </summary>
    public MethodResult CallAsUser(EmulatedPortal portal, string method, JsonObject parameters, int userId = 1)
    {
        var hit = new HitContext(this, portal, Caller.PortalUser(userId));
        try
        {
            return Invoker.Invoke(hit, method, parameters, inBatch: false);
        }
        finally
        {
            Events.FinishHit(hit);
        }
    }

    /// <summary>
    /// Makes a call as a portal user, like <see cref="CallAsUser"/>, but its events are dropped: the object changes
    /// (DATE_MODIFY included) while no app gets a queue row, a doorbell or an online event. That is a change through a
    /// path that raises no event, or one made while the app was not installed: what only a drift check finds.
    /// </summary>
    public MethodResult CallSilently(EmulatedPortal portal, string method, JsonObject parameters, int userId = 1)
    {
        // The hit is never finished, so what it raised is never written or sent.
        var hit = new HitContext(this, portal, Caller.PortalUser(userId));
        return Invoker.Invoke(hit, method, parameters, inBatch: false);
    }

    internal double NextRandom()
    {
        lock (_randomSync)
        {
            return _random.NextDouble();
        }
    }

    internal int NextRandom(int maxExclusive)
    {
        lock (_randomSync)
        {
            return _random.Next(maxExclusive);
        }
    }

    /// <summary>Keeps a fire-and-forget task (a delivery) so disposal can wait for it.</summary>
    internal void Track(Task task)
    {
        _background[task] = true;
        _ = task.ContinueWith(t => _background.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>
    /// Waits until the offline rows of every change made so far are written, and their doorbells and online events
    /// started: a change's rows are written in the background after its answer, as on a real portal, so a test that
    /// changes something and then reads the queue at once waits here first.
    /// </summary>
    public Task WhenEventsWrittenAsync(CancellationToken cancellationToken = default) => Writes.WhenWrittenAsync(cancellationToken);

    /// <summary>Waits until every delivery started so far, or due from a change made so far, has finished.</summary>
    public async Task WhenDeliveriesIdleAsync(CancellationToken cancellationToken = default)
    {
        await WhenEventsWrittenAsync(cancellationToken).ConfigureAwait(false);
        while (!_background.IsEmpty)
        {
            await Task.WhenAll(_background.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Rows still due are written first: they may start the deliveries waited for next.
        await WhenEventsWrittenAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await Task.WhenAll(_background.Keys).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or HttpRequestException or TaskCanceledException)
        {
            // Deliveries are fire-and-forget, as on the real server; their failures do not concern disposal.
        }

        Outbound.Dispose();
    }
}
