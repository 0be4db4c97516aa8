using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Diagnostics;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Sync;

/// <summary>A turn's first reservation takes up to Sync:FirstGetLimit rows: a moderate backlog costs three requests, not five.</summary>
public sealed class ModerateBacklogTests
{
    private const int Backlog = 160;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, new[] { "event.offline.get", "crm.deal.list", "event.offline.clear event.offline.get" })]
    [InlineData("100", new[]
    {
        "event.offline.get", "crm.deal.list", "event.offline.clear event.offline.get", "crm.deal.list", "event.offline.clear event.offline.get",
    })]
    public async Task ABacklogOf160Rows_IsReservedInOneCommand_UnlessTheFirstLimitIsSmaller(string? firstGetLimit, string[] expected)
    {
        var settings = new Dictionary<string, string?> { ["Sync:PollInterval"] = "01:00:00" };
        if (firstGetLimit is not null)
        {
            settings["Sync:FirstGetLimit"] = firstGetLimit;
        }

        await using var fixture = await SyncFixture.StartAsync(settings);
        var portal = await fixture.InstallAndBindAsync(doorbell: false);
        var before = portal.Stats.CallLog is { Count: > 0 } log ? log[^1].Sequence : 0;
        for (var i = 0; i < Backlog - 1; i++)
        {
            fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"Deal {i}" } });
        }

        await fixture.World.WhenEventsWrittenAsync(Ct);
        await fixture.BindDoorbellAsync(portal);
        fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "rings" } });
        await fixture.WaitUntilDrainedAsync(portal);

        var turn = Requests(portal, before);
        Assert.Equal(expected, turn.Select(r => string.Join(' ', r.Select(e => e.Method).Distinct())));
        Assert.Equal(Backlog, (await fixture.Mirror.ListAsync(portal.MemberId, Ct)).Count);
        Assert.Equal(0, portal.Queue.Depth(fixture.World.DefaultApp, error: false));
    }

    /// <summary>The requests from the turn's first reservation to its last clear, each as the calls it carried.</summary>
    private static List<List<CallLogEntry>> Requests(EmulatedPortal portal, long after)
    {
        var requests = portal.Stats.CallLog
            .Where(e => e.Sequence > after && e.Method != "batch")
            .GroupBy(e => e.RequestId)
            .Select(g => g.OrderBy(e => e.Sequence).ToList())
            .OrderBy(r => r[0].Sequence)
            .ToList();
        var first = requests.FindIndex(r => r.Any(e => e.Method == "event.offline.get"));
        var last = requests.FindLastIndex(r => r.Any(e => e.Method == "event.offline.clear"));
        return requests[first..(last + 1)];
    }
}
