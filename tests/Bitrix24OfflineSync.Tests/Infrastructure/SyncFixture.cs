using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>An emulator and the running service with its drain worker, for the sync tests; the service can be restarted on its data.</summary>
public sealed class SyncFixture : IAsyncDisposable
{
    public static readonly string[] AllEvents =
    [
        .. new[] { "DEAL", "CONTACT", "COMPANY", "LEAD" }.SelectMany(e => new[] { "ADD", "UPDATE", "DELETE" }.Select(a => $"ONCRM{e}{a}")),
        "ONTASKADD", "ONTASKUPDATE", "ONTASKDELETE",
    ];

    private readonly Dictionary<string, string?> _settings;

    private SyncFixture(EmulatorServer emulator, ServiceHarness service, Dictionary<string, string?> settings)
    {
        Emulator = emulator;
        Service = service;
        _settings = settings;
    }

    public EmulatorServer Emulator { get; }

    public BitrixWorld World => Emulator.World;

    public ServiceHarness Service { get; private set; }

    internal IMirrorStore Mirror => Service.Get<IMirrorStore>();

    internal IReservationJournal Journal => Service.Get<IReservationJournal>();

    internal IFailureLog Failures => Service.Get<IFailureLog>();

    internal IBasicInbox Inbox => Service.Get<IBasicInbox>();

    public static async Task<SyncFixture> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<EmulatorOptions>? configureEmulator = null,
        Action<IServiceCollection>? services = null,
        TimeProvider? time = null)
    {
        var options = new EmulatorOptions { Seed = 11 };
        options.RateLimit.Enabled = false;
        if (time is not null)
        {
            // A clock the test moves by hand would hold a change's rows until it moved: they are written at once.
            options.OfflineWriteDelay = TimeSpan.Zero;
        }

        configureEmulator?.Invoke(options);
        var emulator = await EmulatorServer.StartAsync(new BitrixWorld(options, time), cancellationToken: TestContext.Current.CancellationToken);
        var all = new Dictionary<string, string?>
        {
            ["Sync:RetryDelay"] = "00:00:00.200",
            // Every doorbell drains at once: the cadence has tests of its own.
            ["Sync:MinDrainInterval"] = "00:00:00",
            ["Bitrix24:Resilience:BaseDelay"] = "00:00:00.010",
            ["Bitrix24:Resilience:MaxDelay"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var service = await ServiceHarness.StartAsync(emulator.World, all, time: time, services: services);
        return new SyncFixture(emulator, service, all);
    }

    /// <summary>
    /// Installs the app on a new portal and binds the doorbell and the offline events, as an operator would, once the
    /// portal's initial load (of a portal with nothing yet) is done; <paramref name="offlineExtended"/> false installs on
    /// a plan without reservations.
    /// </summary>
    public Task<EmulatedPortal> InstallAndBindAsync(
        string domain = "shop.bitrix24.com", int minTimeout = 0, IEnumerable<string>? events = null, bool doorbell = true, bool offlineExtended = true)
    {
        var portal = World.CreatePortal(domain);
        portal.SetFeature(EmulatedPortal.OfflineExtendedFeature, offlineExtended);
        return InstallAndBindAsync(portal, minTimeout, events, doorbell);
    }

    /// <summary>The same on a portal the test has made (with objects it held before the install, say).</summary>
    public async Task<EmulatedPortal> InstallAndBindAsync(EmulatedPortal portal, int minTimeout = 0, IEnumerable<string>? events = null, bool doorbell = true, bool waitForLoad = true)
    {
        var outcome = await World.InstallAppAsync(portal, Service.EventsUrl, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(200, outcome.CallbackStatus);
        if (waitForLoad)
        {
            await Service.WaitUntilLoadedAsync(portal.MemberId);
        }

        if (doorbell)
        {
            await BindDoorbellAsync(portal, minTimeout);
        }

        using var client = AppClient(portal);
        foreach (var name in events ?? AllEvents)
        {
            (await client.CallAsync("event.bind", new JsonObject { ["event"] = name, ["event_type"] = "offline" }, TestContext.Current.CancellationToken)).EnsureSuccess();
        }

        return portal;
    }

    /// <summary>Binds ONOFFLINEEVENT to the service's event URL.</summary>
    public async Task BindDoorbellAsync(EmulatedPortal portal, int minTimeout = 0)
    {
        using var client = AppClient(portal);
        (await client.CallAsync("event.bind", new JsonObject
        {
            ["event"] = "ONOFFLINEEVENT",
            ["handler"] = Service.EventsUrl.ToString(),
            ["options"] = new JsonObject { ["minTimeout"] = minTimeout },
        }, TestContext.Current.CancellationToken)).EnsureSuccess();
    }

    /// <summary>Unbinds ONOFFLINEEVENT: changes from now on ring no doorbell.</summary>
    public async Task UnbindDoorbellAsync(EmulatedPortal portal)
    {
        using var client = AppClient(portal);
        (await client.CallAsync("event.unbind", new JsonObject
        {
            ["event"] = "ONOFFLINEEVENT",
            ["handler"] = Service.EventsUrl.ToString(),
        }, TestContext.Current.CancellationToken)).EnsureSuccess();
    }

    /// <summary>A REST client holding the app's current access token for the portal.</summary>
    public RestClient AppClient(EmulatedPortal portal) =>
        new(new HttpClient(), portal.ClientEndpoint, World.OAuth.LastIssued(portal, World.DefaultApp)!.AccessToken);

    /// <summary>Stops the service (after a crash, say) and starts a new instance on the same data folder.</summary>
    public async Task RestartServiceAsync(Action<IServiceCollection>? services = null)
    {
        var dataDirectory = Service.DataDirectory;
        await Service.StopKeepingDataAsync();
        Service = await ServiceHarness.StartAsync(World, _settings, dataDirectory, services: services);
    }

    /// <summary>
    /// Waits until the rows of the changes made so far are written (the portal writes them after each change's
    /// answer), then until the portal's queue holds no row but error rows, the journal holds no pending reservation,
    /// and the local inbox (plans without reservations) is empty.
    /// </summary>
    public async Task WaitUntilDrainedAsync(EmulatedPortal portal, TimeSpan? timeout = null)
    {
        await World.WhenEventsWrittenAsync(TestContext.Current.CancellationToken);
        await Wait.UntilAsync(
            async () => portal.Queue.Depth(World.DefaultApp, error: false) == 0 &&
                        (await Journal.KnownPendingAsync(portal.MemberId, TestContext.Current.CancellationToken)).Count == 0 &&
                        (await Inbox.ReadAsync(portal.MemberId, 1, TestContext.Current.CancellationToken)).Count == 0,
            $"{portal.Domain} is drained: its queue, the journal and the inbox are empty",
            timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
