using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Portals;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>An emulator and the service pointed at it, for the event-intake tests.</summary>
public sealed class IntakeFixture : IAsyncDisposable
{
    private IntakeFixture(EmulatorServer emulator, ServiceHarness service)
    {
        Emulator = emulator;
        Service = service;
    }

    public EmulatorServer Emulator { get; }

    public BitrixWorld World => Emulator.World;

    public ServiceHarness Service { get; }

    internal IPortalRegistry Registry => Service.Get<IPortalRegistry>();

    public static async Task<IntakeFixture> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var options = new EmulatorOptions { Seed = 7 };
        options.RateLimit.Enabled = false;
        var emulator = await EmulatorServer.StartAsync(new BitrixWorld(options), cancellationToken: TestContext.Current.CancellationToken);
        var service = await ServiceHarness.StartAsync(emulator.World, settings);
        return new IntakeFixture(emulator, service);
    }

    /// <summary>Creates a portal and installs the app on it through the emulator's real ONAPPINSTALL post.</summary>
    public async Task<(EmulatedPortal Portal, InstallOutcome Outcome)> InstallAsync(string domain = "shop.bitrix24.com")
    {
        var portal = World.CreatePortal(domain);
        var outcome = await World.InstallAppAsync(portal, Service.EventsUrl, cancellationToken: TestContext.Current.CancellationToken);
        return (portal, outcome);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
