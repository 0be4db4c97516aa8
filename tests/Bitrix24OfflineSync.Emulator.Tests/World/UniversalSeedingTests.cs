using System.Diagnostics;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.World;

/// <summary>
/// Smart-process items, invoices and activities a portal had before the app was installed, and changes to them no
/// event announces: only listing finds them (bitrix24-api.md §12).
/// </summary>
public sealed class UniversalSeedingTests
{
    [Fact]
    public async Task Seed_OfItems_CreatesRealisticItemsOfThatTypeOnly_AndQueuesNothing()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync("ONCRMDYNAMICITEMADD");
        var companies = emulator.World.Seed(emulator.Portal, "crm.company", 10);
        var type = emulator.AddType();

        var seeded = emulator.World.Seed(emulator.Portal, $"crm.item.{type}", 300, seed: 2);
        var invoices = emulator.World.Seed(emulator.Portal, "crm.item.31", 20);
        await emulator.WrittenAsync();

        Assert.Equal(new SeededObjects($"crm.item.{type}", 300, 1, 300), seeded);
        Assert.Equal((1, 20), (invoices.FirstId, invoices.LastId));
        var items = emulator.Portal.SmartProcesses.Snapshot(type);
        Assert.Equal(300, items.Count);
        Assert.All(items, item =>
        {
            Assert.InRange(item["companyId"]!.GetValue<long>(), companies.FirstId, companies.LastId);
            Assert.StartsWith($"DT{type}_", item["stageId"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.True(string.CompareOrdinal(item["updatedTime"]!.GetValue<string>(), item["createdTime"]!.GetValue<string>()) >= 0);
        });
        Assert.True(items.Select(i => i["title"]!.GetValue<string>()).Distinct().Count() > 100, "Titles should vary.");
        Assert.Equal(0, emulator.Portal.Queue.Count);
    }

    [Fact]
    public async Task Seed_OfActivities_BindsThemToObjectsThatExist_AndTheirListServesThem()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var contacts = emulator.World.Seed(emulator.Portal, "crm.contact", 30);

        var seeded = emulator.World.Seed(emulator.Portal, "crm.activity", 120);
        var page = await emulator.CallAsync("crm.activity.list", """{"order":{"ID":"ASC"},"start":100,"select":["*","COMMUNICATIONS"]}""");

        Assert.Equal(new SeededObjects("crm.activity", 120, 1, 120), seeded);
        Assert.Equal(120, page.Body!["total"]!.GetValue<int>());
        Assert.All(page.Result!.AsArray(), activity =>
        {
            Assert.Equal("3", activity!["OWNER_TYPE_ID"]!.GetValue<string>());
            Assert.InRange(long.Parse(activity["OWNER_ID"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), contacts.FirstId, contacts.LastId);
            Assert.Single(activity["COMMUNICATIONS"]!.AsArray());
            Assert.Matches("^[124]$", activity["TYPE_ID"]!.GetValue<string>());
        });
    }

    [Theory]
    [InlineData("crm.item.1030", typeof(ArgumentException))]
    [InlineData("crm.item.x", typeof(ArgumentException))]
    [InlineData("crm.activity", typeof(InvalidOperationException))]
    public async Task Seed_OfAnItemTypeThePortalLacks_OrOfActivitiesWithNothingToBindTo_Throws(string entity, Type exception)
    {
        await using var world = new BitrixWorld();
        var portal = world.CreatePortal("seed.bitrix24.com");

        Assert.Throws(exception, () => world.Seed(portal, entity, 5));
        Assert.Equal(0, portal.Activities.Count);
    }

    [Fact]
    public async Task KeysetPages_OverAHundredThousandItems_ReadEachItemOnceAndFast()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var type = emulator.AddType();
        emulator.World.Seed(emulator.Portal, $"crm.item.{type}", 100_000, seed: 1);
        var seen = 0L;
        var clock = Stopwatch.StartNew();

        for (var after = 0; after < 100_000; after += 2_500)
        {
            var cmd = new JsonObject();
            for (var page = 0; page < 50; page++)
            {
                var low = after + (page * 50);
                var query = JsonNode.Parse($$"""{"entityTypeId":{{type}},"order":{"id":"ASC"},"filter":{">id":{{low}},"<=id":{{low + 50}}},"select":["id"],"start":-1}""");
                cmd[$"p{page}"] = "crm.item.list?" + PhpQuery.Build(query);
            }

            var batch = (await emulator.Client.CallAsync("batch", new JsonObject { ["cmd"] = cmd }, TestContext.Current.CancellationToken)).EnsureSuccess();
            seen += batch.Result!["result"]!.AsObject().Sum(p => ItemKit.ItemIds(p.Value!).Length);
        }

        // Read by key this takes about a second; a scan of every item per page would take minutes.
        Assert.Equal(100_000, seen);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"Paging took {clock.Elapsed}.");
    }

    [Fact]
    public async Task CallSilently_ChangesItemsAndActivities_WithoutARowOrDoorbell()
    {
        await using var emulator = await QueueKit.StartAsync();
        foreach (var name in (string[])["ONCRMDYNAMICITEMUPDATE", "ONCRMDYNAMICITEMDELETE", "ONCRMACTIVITYUPDATE", "ONCRMACTIVITYADD"])
        {
            await emulator.Client.BindOfflineAsync(name);
        }

        var type = emulator.AddType();
        emulator.World.Seed(emulator.Portal, $"crm.item.{type}", 3);
        emulator.World.Seed(emulator.Portal, "crm.contact", 2);
        emulator.World.Seed(emulator.Portal, "crm.activity", 2);

        emulator.World.CallSilently(emulator.Portal, "crm.item.update", ItemKit.Json($$$"""{"entityTypeId":{{{type}}},"id":2,"fields":{"title":"Quiet"}}"""));
        emulator.World.CallSilently(emulator.Portal, "crm.item.delete", ItemKit.Json($$"""{"entityTypeId":{{type}},"id":3}"""));
        emulator.World.CallSilently(emulator.Portal, "crm.activity.update", ItemKit.Json("""{"id":1,"fields":{"SUBJECT":"Quiet"}}"""));
        await emulator.WrittenAsync();

        Assert.Equal("Quiet", (await emulator.ResultAsync("crm.item.get", $$"""{"entityTypeId":{{type}},"id":2}"""))["item"]!["title"]!.GetValue<string>());
        var left = await emulator.ResultAsync("crm.item.list", $$"""{"entityTypeId":{{type}}}""");
        Assert.Equal([1, 2], ItemKit.ItemIds(left));
        Assert.Equal("Quiet", (await emulator.ResultAsync("crm.activity.get", """{"id":1}"""))["SUBJECT"]!.GetValue<string>());
        Assert.Equal(0, emulator.Portal.Queue.Count);
    }
}
