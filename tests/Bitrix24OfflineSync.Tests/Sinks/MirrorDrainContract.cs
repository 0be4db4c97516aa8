using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.Tests.Persistence;

namespace Bitrix24OfflineSync.Tests.Sinks;

/// <summary>The base of the mirror contracts that drain a portal into the test's database, on every provider.</summary>
public abstract class MirrorDrainContract(StoreTarget target) : StoreContract(target)
{
    /// <summary>
    /// An emulator (the caller disposes it), the service on the test's database with fast REST retries and
    /// <paramref name="settings"/>, and a portal whose new deals ring the doorbell (ONCRMDEALADD bound offline).
    /// </summary>
    protected async Task<(EmulatorServer Emulator, ServiceHarness Service, EmulatedPortal Portal)> StartDrainingDealsAsync(IDictionary<string, string?> settings)
    {
        var options = new EmulatorOptions { Seed = 5 };
        options.RateLimit.Enabled = false;
        var emulator = await EmulatorServer.StartAsync(new BitrixWorld(options), cancellationToken: Ct);
        var world = emulator.World;
        var service = await StartServiceAsync(world: world, settings: new Dictionary<string, string?>(settings)
        {
            ["Bitrix24:Resilience:BaseDelay"] = "00:00:00.010",
            ["Bitrix24:Resilience:MaxDelay"] = "00:00:00.050",
        });
        var portal = world.CreatePortal("shop.bitrix24.com");
        Assert.Equal(200, (await world.InstallAppAsync(portal, service.EventsUrl, cancellationToken: Ct)).CallbackStatus);
        using var app = new RestClient(new HttpClient(), portal.ClientEndpoint, world.OAuth.LastIssued(portal, world.DefaultApp)!.AccessToken);
        (await app.CallAsync("event.bind", new JsonObject { ["event"] = "ONOFFLINEEVENT", ["handler"] = service.EventsUrl.ToString() }, Ct)).EnsureSuccess();
        (await app.CallAsync("event.bind", new JsonObject { ["event"] = "ONCRMDEALADD", ["event_type"] = "offline" }, Ct)).EnsureSuccess();
        return (emulator, service, portal);
    }
}
