using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.Tests.Sinks;

namespace Bitrix24OfflineSync.Tests.Sync;

/// <summary>The sink stays complete: what the queue never carried is found by the next drift check and put right.</summary>
public sealed class DriftCheckTests
{
    /// <summary>A check every second, and a turn every second to run it in.</summary>
    private static readonly Dictionary<string, string?> FrequentChecks = new()
    {
        ["Sync:ReconcileInterval"] = "00:00:01",
        ["Sync:PollInterval"] = "00:00:01",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SilentChangesDeletesAndAdds_AreRepairedInTheMirrorByTheNextCheck()
    {
        await using var fixture = await SyncFixture.StartAsync(FrequentChecks);
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        var deals = fixture.World.Seed(portal, "crm.deal", 300, seed: 3);
        fixture.World.Seed(portal, "crm.contact", 120, seed: 4);
        await fixture.InstallAndBindAsync(portal);
        var checksBefore = fixture.Service.Logs.Of(1322).Count;

        MakeSilentChanges(fixture, portal, deals.FirstId);

        await MirrorAssert.EventuallyMatchesEmulatorAsync(fixture, portal);
        var mirror = await fixture.Mirror.ListAsync(portal.MemberId, Ct);
        var repaired = mirror.Where(r => r.Origin == "repair").Select(r => (r.EntityId, r.Deleted)).Order().ToList();
        Assert.Equal(
            new[] { (Id(deals.FirstId + 4), false), (Id(deals.FirstId + 6), true), (Id(deals.LastId + 1), false) }.Order(),
            repaired);
        await Wait.UntilAsync(() => fixture.Service.Logs.Of(1322).Count > checksBefore, "a drift check has logged its result");
        Assert.Contains(fixture.Service.Logs.Of(1322), e => e["Entity"] == "crm.deal" && e["OutOfStep"] == "3");
        Assert.Equal(0, portal.Queue.Count);
    }

    [Fact]
    public async Task SilentChangesDeletesAndAdds_AreRepairedInTheHttpSinkFromTheIndexOfWhatWasDelivered()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var secret = HttpSinkKit.NewSecret();
        var settings = HttpSinkKit.Settings(new Uri(receiver.BaseAddress, "hooks"), secret);
        foreach (var (key, value) in FrequentChecks)
        {
            settings[key] = value;
        }

        await using var fixture = await SyncFixture.StartAsync(settings);
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        var deals = fixture.World.Seed(portal, "crm.deal", 200, seed: 5);
        await fixture.InstallAndBindAsync(portal);
        Assert.Equal(200, Changes(receiver, secret).Count(c => c.Origin == "load"));

        MakeSilentChanges(fixture, portal, deals.FirstId);

        var repairs = new List<(string Id, string Action, string Origin)>();
        await Wait.UntilAsync(
            () =>
            {
                repairs.AddRange(Changes(receiver, secret).Where(c => c.Origin == "repair"));
                return repairs.Count >= 3;
            },
            "the three silent changes are delivered as repairs");
        Assert.Equal(
            new[] { (Id(deals.FirstId + 4), "upsert", "repair"), (Id(deals.FirstId + 6), "delete", "repair"), (Id(deals.LastId + 1), "upsert", "repair") }.Order(),
            repairs.Order());
    }

    /// <summary>A change, a delete and an add that raise no event: no queue row, no doorbell.</summary>
    private static void MakeSilentChanges(SyncFixture fixture, EmulatedPortal portal, long firstId)
    {
        fixture.World.CallSilently(portal, "crm.deal.update", new JsonObject { ["id"] = firstId + 4, ["fields"] = new JsonObject { ["TITLE"] = "changed quietly" } });
        fixture.World.CallSilently(portal, "crm.deal.delete", new JsonObject { ["id"] = firstId + 6 });
        fixture.World.CallSilently(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "added quietly" } });
    }

    private static List<(string Id, string Action, string Origin)> Changes(HttpReceiver receiver, string secret) =>
        [.. receiver.TakeAll()
            .Where(d => StandardWebhook.SignatureIsValid(d, secret))
            .SelectMany(d => JsonNode.Parse(d.Body)!["changes"]!.AsArray())
            .Select(c => (c!["id"]!.GetValue<string>(), c["action"]!.GetValue<string>(), c["origin"]!.GetValue<string>()))];

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
