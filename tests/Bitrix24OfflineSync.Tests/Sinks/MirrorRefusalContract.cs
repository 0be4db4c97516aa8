using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Persistence;

namespace Bitrix24OfflineSync.Tests.Sinks;

/// <summary>
/// A row the mirror's database refuses (a constraint, not an outage) takes the same path on every provider as an object
/// an HTTP receiver refuses: the commit is split to find it, the other objects are mirrored, and it is retried on its
/// own, then dead-lettered with the database's code and message, its queue row marked with event.offline.error.
/// </summary>
public abstract class MirrorRefusalContract(StoreTarget target) : MirrorDrainContract(target)
{
    [Fact]
    public async Task ARowTheMirrorRefuses_IsLeftOut_TheOtherDealsAreMirrored_AndItEndsAsADeadLetterWithItsRowMarked()
    {
        var (emulator, service, portal) = await StartDrainingDealsAsync(new Dictionary<string, string?>
        {
            ["Sync:RetryDelay"] = "00:00:00.100",
            ["Sync:MaxItemAttempts"] = "2",
            ["Sync:ErrorPassInterval"] = "01:00:00",
        });
        await using var _ = emulator;
        var world = emulator.World;

        // A new portal numbers its deals from 1: the eighth is deal 8.
        await Target.RefuseMirrorRowAsync("crm.deal", "8");
        for (var i = 1; i <= 30; i++)
        {
            world.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"Deal {i}" } });
        }

        var failures = service.Get<IFailureLog>();
        await Wait.UntilAsync(
            async () => (await failures.DeadLettersAsync(portal.MemberId, Ct)).Count == 1 &&
                        await Target.ScalarAsync("SELECT COUNT(*) FROM drain_journal WHERE NOT done") == 0,
            "deal 8 is dead-lettered and no reservation is pending");

        var letter = Assert.Single(await failures.DeadLettersAsync(portal.MemberId, Ct));
        Assert.Equal(("crm.deal", "8", DeadLetterCause.SinkRefused), (letter.Entity, letter.EntityId, letter.Cause));
        Assert.Equal(Target is PostgresTarget ? "SQLSTATE 23514" : "SQLite 19", letter.Status);
        Assert.Contains("this row is refused", letter.Answer, StringComparison.Ordinal);
        var mirrored = await service.Get<IMirrorStore>().ListAsync(portal.MemberId, Ct);
        Assert.Equal(Enumerable.Range(1, 30).Where(i => i != 8).Select(i => $"Deal {i}").Order(), mirrored.Select(r => JsonNode.Parse(r.State!)!["TITLE"]!.ToString()).Order());
        var row = Assert.Single(portal.Queue.Snapshot());
        Assert.True(row.Error);
        Assert.Equal("8", row.EventData!["FIELDS"]!["ID"]!.ToString());
        Assert.Contains(service.Logs.Of(1550), e => e["EntityId"] == "8" && e["Sink"] == "database");
    }
}
