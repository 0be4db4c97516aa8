using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Emulator.Tests.World;

/// <summary>
/// Objects that were on a portal before the app was installed: an initial load must find them by listing, since no
/// offline event was ever queued for them (bitrix24-api.md §12).
/// </summary>
public sealed class SeedingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Seed_CreatesTheObjectsWithConsecutiveIdsAndRealisticValues()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var world = new BitrixWorld(new EmulatorOptions { Seed = 1 }, time);
        var portal = world.CreatePortal("seed.bitrix24.com");

        var seeded = world.Seed(portal, "crm.deal", 500, seed: 3);

        Assert.Equal(new SeededObjects("crm.deal", 500, 1, 500), seeded);
        var deals = portal.Crm.Snapshot(CrmEntityType.Deal);
        Assert.Equal(Enumerable.Range(1, 500).Select(Text), deals.Select(d => d["ID"]!.GetValue<string>()));
        Assert.All(deals, deal =>
        {
            Assert.False(string.IsNullOrWhiteSpace(deal["TITLE"]!.GetValue<string>()));
            Assert.True(decimal.Parse(deal["OPPORTUNITY"]!.GetValue<string>(), CultureInfo.InvariantCulture) > 0);
            Assert.True(Date(deal, "DATE_MODIFY") >= Date(deal, "DATE_CREATE"));
            Assert.True(Date(deal, "DATE_MODIFY") <= time.GetUtcNow());
        });
        Assert.True(deals.Select(d => d["STAGE_ID"]!.GetValue<string>()).Distinct().Count() > 3, "Stages should vary.");
        Assert.True(deals.Select(d => d["TITLE"]!.GetValue<string>()).Distinct().Count() > 100, "Titles should vary.");
        Assert.True(deals.Select(d => d["ASSIGNED_BY_ID"]!.GetValue<string>()).Distinct().Count() > 1, "Owners should vary.");
        Assert.Equal(deals.OrderBy(d => Date(d, "DATE_CREATE")).Select(d => d["ID"]), deals.Select(d => d["ID"]));
        Assert.True(Date(deals[0], "DATE_CREATE") < time.GetUtcNow().AddDays(-300), "The oldest objects should be months old.");
    }

    [Theory]
    [InlineData("crm.deal", "crm.deal.list")]
    [InlineData("crm.contact", "crm.contact.list")]
    [InlineData("crm.company", "crm.company.list")]
    [InlineData("crm.lead", "crm.lead.list")]
    [InlineData("task", "tasks.task.list")]
    public async Task Seed_OfEachEntity_CreatesObjectsItsListMethodServes(string entity, string listMethod)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var seeded = emulator.World.Seed(emulator.Portal, entity, 120);

        var answer = (await emulator.Client.CallAsync(listMethod, new JsonObject { ["start"] = 100 }, Ct)).EnsureSuccess();
        Assert.Equal(120, seeded.Count);
        Assert.Equal(120, answer.Body!["total"]!.GetValue<int>());
        var items = answer.Result is JsonArray list ? list : answer.Result!["tasks"]!.AsArray();
        Assert.Equal(20, items.Count);
    }

    [Fact]
    public async Task Seed_QueuesNoRowsAndRingsNoDoorbell_WhereALaterChangeDoesBoth()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync("ONCRMDEALADD");
        await emulator.Client.BindOfflineAsync("ONCRMDEALUPDATE");
        await emulator.Client.ResultAsync("event.bind", $$$"""{"event":"ONOFFLINEEVENT","handler":"{{{receiver.Url("/bell")}}}","options":{"minTimeout":0}}""");

        emulator.World.Seed(emulator.Portal, "crm.deal", 1_000);
        await emulator.World.WhenDeliveriesIdleAsync(Ct);

        Assert.Equal(1_000, emulator.Portal.Crm.Count(CrmEntityType.Deal));
        Assert.Equal(0, emulator.Portal.Queue.Count);
        Assert.Empty(emulator.Portal.Deliveries.Of("ONOFFLINEEVENT"));
        Assert.False(receiver.TryTake(out _));

        emulator.World.CallAsUser(emulator.Portal, "crm.deal.update", new JsonObject { ["id"] = 500, ["fields"] = new JsonObject { ["TITLE"] = "Changed" } });
        var bell = await receiver.NextAsync();
        await emulator.WrittenAsync();

        Assert.Equal("ONOFFLINEEVENT", bell["event"]);
        var row = Assert.Single(emulator.Portal.Queue.Snapshot());
        Assert.Equal("ONCRMDEALUPDATE", row.EventName);
    }

    [Fact]
    public async Task Seed_AfterObjectsAddedOnThePortal_ContinuesTheirIds_AndLaterAddsContinueAfterIt()
    {
        await using var world = new BitrixWorld(new EmulatorOptions { Seed = 1 });
        var portal = world.CreatePortal("seed.bitrix24.com");
        for (var i = 0; i < 3; i++)
        {
            world.CallAsUser(portal, "tasks.task.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "Before" } });
        }

        var seeded = world.Seed(portal, "task", 10);
        var next = world.CallAsUser(portal, "tasks.task.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "After" } });

        Assert.Equal((4, 13), (seeded.FirstId, seeded.LastId));
        Assert.Equal("14", next.Result!["task"]!["id"]!.GetValue<string>());
        Assert.Equal(14, portal.Tasks.Count);
    }

    [Fact]
    public async Task Seed_DealsAndContacts_LinkToCompaniesThatExist()
    {
        await using var world = new BitrixWorld(new EmulatorOptions { Seed = 1 });
        var portal = world.CreatePortal("seed.bitrix24.com");

        var companies = world.Seed(portal, "crm.company", 20);
        var contacts = world.Seed(portal, "crm.contact", 50);
        world.Seed(portal, "crm.deal", 50);

        Assert.All(portal.Crm.Snapshot(CrmEntityType.Contact), contact =>
        {
            Assert.InRange(long.Parse(contact["COMPANY_ID"]!.GetValue<string>(), CultureInfo.InvariantCulture), companies.FirstId, companies.LastId);
            Assert.Equal("Y", contact["HAS_PHONE"]!.GetValue<string>());
            Assert.Contains("@", contact["EMAIL"]![0]!["VALUE"]!.GetValue<string>(), StringComparison.Ordinal);
        });
        Assert.All(portal.Crm.Snapshot(CrmEntityType.Deal), deal =>
            Assert.InRange(long.Parse(deal["CONTACT_ID"]!.GetValue<string>(), CultureInfo.InvariantCulture), contacts.FirstId, contacts.LastId));
    }

    [Fact]
    public async Task Seed_WithTheSameSeedAndClock_CreatesTheSameObjects()
    {
        static async Task<string[]> SeedAsync()
        {
            await using var world = new BitrixWorld(new EmulatorOptions { Seed = 1 }, new FakeTimeProvider(TestClock.Start));
            var portal = world.CreatePortal("seed.bitrix24.com");
            world.Seed(portal, "crm.lead", 30, seed: 9);
            return [.. portal.Crm.Snapshot(CrmEntityType.Lead).Select(l => l.ToJsonString())];
        }

        Assert.Equal(await SeedAsync(), await SeedAsync());
    }

    [Theory]
    [InlineData("crm.invoice", 1)]
    [InlineData("deals", 1)]
    [InlineData("crm.deal", 0)]
    public async Task Seed_WithAnUnknownEntityOrNoObjects_Throws(string entity, int count)
    {
        await using var world = new BitrixWorld();
        var portal = world.CreatePortal("seed.bitrix24.com");

        Assert.ThrowsAny<ArgumentException>(() => world.Seed(portal, entity, count));
        Assert.Equal(0, portal.Crm.Count(CrmEntityType.Deal));
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static DateTimeOffset Date(JsonObject item, string field) =>
        DateTimeOffset.Parse(item[field]!.GetValue<string>(), CultureInfo.InvariantCulture);
}
