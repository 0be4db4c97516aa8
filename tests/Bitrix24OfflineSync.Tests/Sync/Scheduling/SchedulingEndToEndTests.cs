using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sync.Passes;
using Bitrix24OfflineSync.Sync.Scheduling;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Sync.Scheduling;

/// <summary>The scheduler in the running service: turns of slow portals overlap, and a quiet portal's drift check falls due.</summary>
public sealed class SchedulingEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TurnsOfFiftySlowPortals_AreAllInFlightAtOnce()
    {
        await using var fixture = await SyncFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Sync:PollInterval"] = "01:00:00",
            // Fifty installs in a row are the test's setup, not a flood.
            ["Installs:Burst"] = "100",
            ["Installs:PerSecond"] = "100",
        });
        var portals = new List<Bitrix24OfflineSync.Emulator.Portals.EmulatedPortal>();
        for (var i = 0; i < 50; i++)
        {
            portals.Add(await fixture.InstallAndBindAsync(fixture.World.CreatePortal($"slow{i}.bitrix24.com")));
        }

        // Every request of every portal now waits: with the old bound of 8 no more than 8 turns could be waiting at once.
        foreach (var portal in portals)
        {
            portal.Faults.Latency = TimeSpan.FromSeconds(5);
        }

        var scheduler = fixture.Service.Get<DrainScheduler>();
        var most = 0;
        foreach (var portal in portals)
        {
            fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = portal.Domain } });
        }

        await Wait.UntilAsync(() => (most = Math.Max(most, scheduler.InFlight)) >= portals.Count, "all fifty turns in flight at once");

        foreach (var portal in portals)
        {
            portal.Faults.Latency = TimeSpan.Zero;
        }

        foreach (var portal in portals)
        {
            await fixture.WaitUntilDrainedAsync(portal);
            Assert.Single(await fixture.Mirror.ListAsync(portal.MemberId, Ct));
        }
    }

    [Fact]
    public async Task AQuietPortal_IsWokenForItsDriftCheckWhenItFallsDue_NotAtTheNextPoll()
    {
        await using var fixture = await SyncFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Sync:PollInterval"] = "01:00:00",
            ["Sync:ReconcileInterval"] = "00:00:02",
        });
        var portal = await fixture.InstallAndBindAsync();
        var passes = fixture.Service.Get<IPassStore>();

        // Nothing rings and the poll is an hour away: only the scheduler knowing the check's due time wakes the portal.
        await Wait.UntilAsync(
            async () => (await passes.ForPortalAsync(portal.MemberId, Ct)).Any(p => p.Kind == PassKind.Check && p.IsDone),
            "a drift check of the quiet portal has run");
        Assert.DoesNotContain(portal.Deliveries.Records, r => r.EventName == "ONOFFLINEEVENT");
    }
}
