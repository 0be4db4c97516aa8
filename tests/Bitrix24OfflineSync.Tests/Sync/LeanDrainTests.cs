using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Diagnostics;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Sync;

/// <summary>What a drain spends of the portal's request budget: three requests for a small backlog, and no more.</summary>
public sealed class LeanDrainTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASmallBacklog_DrainsInThreeRequests_ItsClearsTravellingWithTheNextReservation()
    {
        await using var fixture = await SyncFixture.StartAsync(new Dictionary<string, string?> { ["Sync:PollInterval"] = "01:00:00" });
        var portal = await fixture.InstallAndBindAsync(doorbell: false);
        var before = LastSequence(portal);
        await MakeBacklogAsync(fixture, portal, "first");

        var turn = DrainTurn(portal, before);

        Assert.Equal(
            ["event.offline.get", "crm.deal.list", "event.offline.clear event.offline.get"],
            turn.Select(Methods));
        Assert.Equal(4, (await fixture.Mirror.ListAsync(portal.MemberId, Ct)).Count);

        // The third request cleared the reservation of the first and reserved again: it found the queue empty.
        var reservation = turn[0].Single(e => e.Method == "event.offline.get").ProcessId;
        Assert.Equal(reservation, turn[2].Single(e => e.Method == "event.offline.clear").ProcessId);
        Assert.Equal(0, portal.Queue.Depth(fixture.World.DefaultApp, error: false));
    }

    [Fact]
    public async Task ThePlan_IsAskedOnce_NotAtEveryDrainNorAfterARestart_AndARestartScansForNoOrphansTheJournalDoesNotNote()
    {
        await using var fixture = await SyncFixture.StartAsync(new Dictionary<string, string?> { ["Sync:PollInterval"] = "01:00:00" });
        var portal = await fixture.InstallAndBindAsync(doorbell: false);
        Assert.Equal(1, portal.Stats.CallsOf("feature.get"));

        await MakeBacklogAsync(fixture, portal, "first");
        await fixture.RestartServiceAsync();
        var before = LastSequence(portal);
        await MakeBacklogAsync(fixture, portal, "second");

        Assert.Equal(8, (await fixture.Mirror.ListAsync(portal.MemberId, Ct)).Count);
        Assert.Equal(1, portal.Stats.CallsOf("feature.get"));
        Assert.Equal(0, portal.Stats.CallsOf("event.offline.list"));
        Assert.Equal(3, DrainTurn(portal, before).Count);
    }

    /// <summary>
    /// Three deals changed while no doorbell is bound, then the doorbell bound and a fourth change rings it: the turn
    /// finds four rows. The doorbell is unbound again once they are drained (a restarted service listens elsewhere).
    /// The app's own calls run in-process and are not in the portal's call log.
    /// </summary>
    private static async Task MakeBacklogAsync(SyncFixture fixture, EmulatedPortal portal, string name)
    {
        for (var i = 0; i < 3; i++)
        {
            fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"{name} {i}" } });
        }

        await fixture.World.WhenEventsWrittenAsync(Ct);
        await fixture.BindDoorbellAsync(portal);
        fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"{name} rings" } });
        await fixture.WaitUntilDrainedAsync(portal);
        await fixture.UnbindDoorbellAsync(portal);
    }

    private static long LastSequence(EmulatedPortal portal) => portal.Stats.CallLog is { Count: > 0 } log ? log[^1].Sequence : 0;

    /// <summary>
    /// The requests of the turn that took the rows: from the one that reserved them to the one that cleared them,
    /// each as the calls it carried (a batch's commands).
    /// </summary>
    private static List<List<CallLogEntry>> DrainTurn(EmulatedPortal portal, long after)
    {
        var requests = portal.Stats.CallLog
            .Where(e => e.Sequence > after && e.Method != "batch")
            .GroupBy(e => e.RequestId)
            .Select(g => g.OrderBy(e => e.Sequence).ToList())
            .OrderBy(r => r[0].Sequence)
            .ToList();
        var cleared = requests.Single(r => r.Any(e => e.Method == "event.offline.clear")).Single(e => e.Method == "event.offline.clear").ProcessId;
        var first = requests.FindIndex(r => r.Any(e => e.Method == "event.offline.get" && e.ProcessId == cleared));
        var last = requests.FindIndex(r => r.Any(e => e.Method == "event.offline.clear"));
        return requests[first..(last + 1)];
    }

    private static string Methods(List<CallLogEntry> request) => string.Join(' ', request.Select(e => e.Method));
}
