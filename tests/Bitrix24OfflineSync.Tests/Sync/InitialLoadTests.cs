using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.Tests.Sinks;

namespace Bitrix24OfflineSync.Tests.Sync;

/// <summary>The sink starts complete: what a portal holds before the app is installed is loaded once its events are bound.</summary>
public sealed class InitialLoadTests
{
    private static readonly string[] CrmEntities = ["deal", "contact", "company", "lead"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnInstallOverExistingObjects_PutsEveryOneInTheMirrorAsLoaded_WithAFewRequests()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        AddExisting(fixture, portal, perEntity: 300);

        await fixture.InstallAndBindAsync(portal);

        await MirrorAssert.MatchesEmulatorAsync(fixture, portal);
        var rows = await fixture.Mirror.ListAsync(portal.MemberId, Ct);
        Assert.Equal(1200, rows.Count);
        Assert.All(rows, r => Assert.Equal("load", r.Origin));
        Assert.InRange(ListRequests(portal), 1, 12);
        Assert.Equal(4, fixture.Service.Logs.Of(1321).Count);
        Assert.Equal(0, portal.Queue.Count);
    }

    [Fact]
    public async Task AnInstallOverExistingObjects_DeliversEveryOneToTheHttpSinkAsLoaded()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var secret = HttpSinkKit.NewSecret();
        await using var fixture = await SyncFixture.StartAsync(HttpSinkKit.Settings(new Uri(receiver.BaseAddress, "hooks"), secret));
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        AddExisting(fixture, portal, perEntity: 120);

        await fixture.InstallAndBindAsync(portal);

        var changes = receiver.TakeAll()
            .Where(d => StandardWebhook.SignatureIsValid(d, secret))
            .SelectMany(d => JsonNode.Parse(d.Body)!["changes"]!.AsArray())
            .Select(c => (Entity: c!["entity"]!.GetValue<string>(), Id: c["id"]!.GetValue<string>(), Origin: c["origin"]!.GetValue<string>(), Action: c["action"]!.GetValue<string>()))
            .ToList();
        var expected = CrmEntities.SelectMany(e => portal.Crm.Snapshot(Enum.Parse<Bitrix24OfflineSync.Emulator.Crm.CrmEntityType>(e, ignoreCase: true))
            .Select(o => ($"crm.{e}", o["ID"]!.ToString()))).ToHashSet();
        Assert.Equal(expected, changes.Select(c => (c.Entity, c.Id)).ToHashSet());
        Assert.All(changes, c => Assert.Equal(("load", "upsert"), (c.Origin, c.Action)));
    }

    [Fact]
    public async Task ALoad_YieldsToTheLiveDrain_SoAChangeMadeDuringItReachesTheMirrorBeforeTheLoadEnds()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        var deals = fixture.World.Seed(portal, "crm.deal", 20_000, seed: 1);

        // A slow portal: the load of 20,000 deals takes eight steps of 2,500, each a round of the portal's turn.
        await fixture.InstallAndBindAsync(portal, waitForLoad: false);
        portal.Faults.Latency = TimeSpan.FromMilliseconds(300);
        await Wait.UntilAsync(async () => await LoadedAsync(fixture, portal) > 0, "the load has written its first objects");

        // A deal the load has passed already: only the queue can bring this change.
        fixture.World.CallAsUser(portal, "crm.deal.update", new JsonObject { ["id"] = deals.FirstId, ["fields"] = new JsonObject { ["TITLE"] = "changed during the load" } });
        Bitrix24OfflineSync.Sinks.Database.MirrorRow? arrived = null;
        await Wait.UntilAsync(
            async () => (arrived = await fixture.Mirror.FindAsync(portal.MemberId, "crm.deal", deals.FirstId.ToString(System.Globalization.CultureInfo.InvariantCulture), Ct))
                ?.State?.Contains("changed during the load", StringComparison.Ordinal) == true,
            "the change made during the load is in the mirror");
        var loadedWhenChangeArrived = await LoadedAsync(fixture, portal);
        await fixture.Service.WaitUntilLoadedAsync(portal.MemberId);

        Assert.Equal("event", arrived!.Origin);
        Assert.True(loadedWhenChangeArrived < 19_999, $"the change waited for the whole load ({loadedWhenChangeArrived} objects loaded first)");
        await MirrorAssert.MatchesEmulatorAsync(fixture, portal);
    }

    [Fact]
    public async Task ObjectsDeletedAndCreatedWhileTheLoadRuns_EndRightInTheMirror()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        var deals = fixture.World.Seed(portal, "crm.deal", 15_000, seed: 2);
        await fixture.InstallAndBindAsync(portal, waitForLoad: false);
        portal.Faults.Latency = TimeSpan.FromMilliseconds(200);
        await Wait.UntilAsync(async () => await LoadedAsync(fixture, portal) > 0, "the load has written its first objects");

        // Ahead of the load: one deleted with an event, one deleted silently; behind it: one deleted with an event; and a new one.
        fixture.World.CallAsUser(portal, "crm.deal.delete", new JsonObject { ["id"] = deals.LastId - 10 });
        fixture.World.CallSilently(portal, "crm.deal.delete", new JsonObject { ["id"] = deals.LastId - 20 });
        fixture.World.CallAsUser(portal, "crm.deal.delete", new JsonObject { ["id"] = deals.FirstId + 1 });
        fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "made during the load" } });
        await fixture.Service.WaitUntilLoadedAsync(portal.MemberId);
        await fixture.WaitUntilDrainedAsync(portal);

        await MirrorAssert.MatchesEmulatorAsync(fixture, portal);
        var mirror = (await fixture.Mirror.ListAsync(portal.MemberId, Ct)).ToDictionary(r => r.EntityId);
        Assert.True(mirror[Id(deals.LastId - 10)].Deleted);
        Assert.True(mirror[Id(deals.FirstId + 1)].Deleted);
        Assert.False(mirror.ContainsKey(Id(deals.LastId - 20)));
        Assert.Equal("event", mirror[Id(deals.LastId + 1)].Origin);
    }

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void AddExisting(SyncFixture fixture, EmulatedPortal portal, int perEntity)
    {
        // Before the install no app has bound anything: the portal queues no rows for these.
        foreach (var entity in CrmEntities)
        {
            for (var i = 0; i < perEntity; i++)
            {
                var fields = entity == "contact" ? new JsonObject { ["NAME"] = $"Contact {i}" } : new JsonObject { ["TITLE"] = $"{entity} {i}" };
                fixture.World.CallAsUser(portal, $"crm.{entity}.add", new JsonObject { ["fields"] = fields });
            }
        }
    }

    private static async Task<int> LoadedAsync(SyncFixture fixture, EmulatedPortal portal) =>
        (await fixture.Mirror.ListAsync(portal.MemberId, Ct)).Count(r => r.Origin == "load");

    /// <summary>The requests that carried list commands: the load's pages (and the drain's fetches, of which there are none here).</summary>
    private static int ListRequests(EmulatedPortal portal) =>
        portal.Stats.CallLog.Where(e => e.Method.EndsWith(".list", StringComparison.Ordinal)).Select(e => e.RequestId).Distinct().Count();
}
