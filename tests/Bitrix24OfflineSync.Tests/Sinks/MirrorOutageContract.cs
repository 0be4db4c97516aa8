using System.Text.Json.Nodes;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.Tests.Persistence;

namespace Bitrix24OfflineSync.Tests.Sinks;

/// <summary>An outage of the mirror's database takes the same path on every provider: the reservation waits, nothing is cleared.</summary>
public abstract class MirrorOutageContract(StoreTarget target) : MirrorDrainContract(target)
{
    [Fact]
    public async Task AMirrorOutage_PostponesTheReservation_AndNothingIsClearedUntilTheMirrorTakesItAgain()
    {
        var (emulator, service, portal) = await StartDrainingDealsAsync(new Dictionary<string, string?> { ["Sync:RetryDelay"] = "00:00:00.300" });
        await using var _ = emulator;
        var world = emulator.World;

        await Target.BreakMirrorAsync();
        world.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "kept" } });
        await Wait.UntilAsync(
            async () => await Target.ScalarAsync("SELECT COUNT(*) FROM drain_journal WHERE NOT done AND attempts >= 2") == 1,
            "the reservation has been postponed twice");

        Assert.DoesNotContain(portal.Stats.CallLog, e => e.Method == "event.offline.clear");
        Assert.Equal(1, portal.Queue.Count);
        Assert.Contains(service.Logs.Of(1302), e => e["Reason"]?.Contains("the mirror database refused the commit", StringComparison.Ordinal) == true);
        Assert.Equal(0, await Target.ScalarAsync("SELECT COUNT(*) FROM mirror"));

        await Target.RepairMirrorAsync();
        await Wait.UntilAsync(async () => portal.Queue.Count == 0 && await Target.ScalarAsync("SELECT COUNT(*) FROM drain_journal WHERE NOT done") == 0, "the reservation is committed and cleared");
        await MirrorAssert.MatchesEmulatorAsync(service.Get<Bitrix24OfflineSync.Sinks.Database.IMirrorStore>(), portal);
    }
}
