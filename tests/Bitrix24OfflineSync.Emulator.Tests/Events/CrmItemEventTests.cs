using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Queue;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Events;

/// <summary>
/// The events of smart-process items and invoices (bitrix24-api.md §1, §13; on-crm-dynamic-item-*.md): one set of
/// names for every type, <c>{"FIELDS":{"ID":"24","ENTITY_TYPE_ID":"1220"}}</c> with strings, queued like any other.
/// </summary>
public sealed class CrmItemEventTests
{
    private static readonly string[] DynamicEvents = ["ONCRMDYNAMICITEMADD", "ONCRMDYNAMICITEMUPDATE", "ONCRMDYNAMICITEMDELETE"];

    [Fact]
    public async Task ItemChanges_QueueDynamicItemRows_WhoseDataCarriesIdAndTypeAsStrings()
    {
        await using var emulator = await QueueKit.StartAsync();
        foreach (var name in DynamicEvents)
        {
            await emulator.Client.BindOfflineAsync(name);
        }

        var type = emulator.AddType();
        emulator.AddItems(type, 1);
        emulator.World.CallAsUser(emulator.Portal, "crm.item.update", ItemKit.Json($$$"""{"entityTypeId":{{{type}}},"id":1,"fields":{"title":"x"}}"""));
        emulator.DeleteItems(type, 1);
        await emulator.WrittenAsync();

        var rows = emulator.Portal.Queue.Snapshot();
        Assert.Equal(DynamicEvents, rows.Select(r => r.EventName));
        var data = JsonNode.Parse($$$"""{"FIELDS":{"ID":"1","ENTITY_TYPE_ID":"{{{type}}}"}}""");
        Assert.All(rows, row =>
        {
            Assert.True(JsonNode.DeepEquals(data, row.EventData), row.EventData?.ToJsonString());
            Assert.Equal(OfflineEventTable.MessageId(row.EventName, data), row.MessageId);
        });
    }

    [Fact]
    public async Task SameItemIdInTwoTypes_GivesTwoRows_WhileRepeatedChangesToOneItemMerge()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync("ONCRMDYNAMICITEMUPDATE");
        var orders = emulator.AddType("Orders");
        var invoices = 31;
        emulator.AddItems(orders, 1);
        emulator.AddItems(invoices, 1);

        foreach (var (type, title) in new[] { (orders, "a"), (orders, "b"), (invoices, "c") })
        {
            emulator.World.CallAsUser(emulator.Portal, "crm.item.update", ItemKit.Json($$$"""{"entityTypeId":{{{type}}},"id":1,"fields":{"title":"{{{title}}}"}}"""));
        }

        await emulator.WrittenAsync();

        Assert.Equal(
            [$"{orders}", "31"],
            emulator.Portal.Queue.Snapshot().Select(r => r.EventData!["FIELDS"]!["ENTITY_TYPE_ID"]!.GetValue<string>()));
    }

    [Fact]
    public async Task UpdateThatChangesNothing_IsNotSaved_AndRaisesNothing()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync("ONCRMDYNAMICITEMUPDATE");
        var type = emulator.AddType();
        emulator.AddItems(type, 1);

        var answer = emulator.World.CallAsUser(emulator.Portal, "crm.item.update", ItemKit.Json($$$"""{"entityTypeId":{{{type}}},"id":1,"fields":{"title":"Item 1"}}"""));
        await emulator.WrittenAsync();

        Assert.Equal("Item 1", answer.Result!["item"]!["title"]!.GetValue<string>());
        Assert.Equal(0, emulator.Portal.Queue.Count);
    }

    [Fact]
    public async Task ClassicEntityChangedThroughItems_RaisesItsOwnEventWithAnIntId_NotADynamicOne()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync("ONCRMDEALUPDATE");
        await emulator.Client.BindOfflineAsync("ONCRMDYNAMICITEMUPDATE");
        await emulator.ResultAsync("crm.deal.add", """{"fields":{"TITLE":"Deal"}}""");

        emulator.World.CallAsUser(emulator.Portal, "crm.item.update", ItemKit.Json("""{"entityTypeId":2,"id":1,"fields":{"title":"Renamed"}}"""));
        await emulator.WrittenAsync();

        var row = Assert.Single(emulator.Portal.Queue.Snapshot());
        Assert.Equal("ONCRMDEALUPDATE", row.EventName);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"FIELDS":{"ID":1}}"""), row.EventData));
    }

    [Fact]
    public async Task OnlineHandler_ReceivesTheItemEventAsAFormWithDataFieldsIdAndEntityTypeId()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.ResultAsync("event.bind", $$"""{"event":"ONCRMDYNAMICITEMADD","handler":"{{receiver.Url("/items")}}"}""");
        var type = emulator.AddType();

        emulator.AddItems(type, 1);
        var delivery = await receiver.NextAsync();

        Assert.Equal("ONCRMDYNAMICITEMADD", delivery["event"]);
        Assert.Equal("1", delivery["data[FIELDS][ID]"]);
        Assert.Equal($"{type}", delivery["data[FIELDS][ENTITY_TYPE_ID]"]);
    }

    [Fact]
    public async Task EventsMethod_ListsTheItemAndActivityEventsInTheCrmScope()
    {
        await using var emulator = await QueueKit.StartAsync();

        var crm = (await emulator.Client.ResultAsync("events", """{"scope":"crm"}""")).AsArray().Select(e => e!.GetValue<string>()).ToList();

        Assert.Superset(
            new HashSet<string>([.. DynamicEvents, "ONCRMACTIVITYADD", "ONCRMACTIVITYUPDATE", "ONCRMACTIVITYDELETE"]),
            new HashSet<string>(crm));
    }
}
