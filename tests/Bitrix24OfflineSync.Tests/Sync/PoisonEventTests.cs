using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Sync;

public sealed class PoisonEventTests
{
    [Fact]
    public async Task AnEventThatKeepsFailing_IsDeadLetteredAndMarkedWithOfflineErrorWhileTheOthersSync()
    {
        await using var fixture = await SyncFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Sync:MaxItemAttempts"] = "3",
            ["Sync:RetryDelay"] = "00:00:00.100",
            ["Sync:PollInterval"] = "00:00:00.500",
        });
        // A deal event whose data names no object: no fetch can ever resolve it.
        fixture.World.Methods.Add("test.raise.broken", "crm", ctx =>
        {
            ctx.Hit.Raise("ONCRMDEALUPDATE", new JsonObject { ["FIELDS"] = new JsonObject() });
            return JsonValue.Create(true);
        });
        var portal = await fixture.InstallAndBindAsync();

        fixture.World.CallAsUser(portal, "test.raise.broken", []);
        fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "healthy" } });
        await fixture.WaitUntilDrainedAsync(portal);

        var letters = await fixture.Failures.DeadLettersAsync(portal.MemberId, TestContext.Current.CancellationToken);
        var letter = Assert.Single(letters);
        Assert.Equal("ONCRMDEALUPDATE", letter.EventName);
        Assert.Equal(3, letter.Attempts);
        Assert.Contains(portal.Stats.CallLog, e => e.Method == "event.offline.error" && e.Status == 200);
        Assert.Equal(1, portal.Queue.Depth(fixture.World.DefaultApp, error: true));
        var mirrored = Assert.Single(await fixture.Mirror.ListAsync(portal.MemberId, TestContext.Current.CancellationToken));
        Assert.Equal("healthy", JsonNode.Parse(mirrored.State!)!["TITLE"]!.ToString());
        Assert.NotEmpty(fixture.Service.Logs.Of(1304));
    }
}
