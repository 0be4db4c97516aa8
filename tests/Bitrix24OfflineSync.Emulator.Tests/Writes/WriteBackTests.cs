using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Emulator.Tests.Writes;

/// <summary>
/// What a service that writes back relies on (bitrix24-api.md §15): origins stored and filterable, the queue skip of
/// the caller's app and connector over a whole batch, automation changes in the same request skipped with it, and a
/// write whose answer is lost after it committed.
/// </summary>
public sealed class WriteBackTests
{
    [Fact]
    public async Task ClassicAdd_KeepsOriginatorAndOriginId_AndAListFiltersByThem()
    {
        await using var emulator = await QueueKit.StartAsync();

        var id = await emulator.Client.ResultAsync("crm.deal.add", """{"fields":{"TITLE":"A","ORIGINATOR_ID":"b24sync","ORIGIN_ID":"w-1"}}""");
        await emulator.Client.ResultAsync("crm.deal.add", """{"fields":{"TITLE":"B","ORIGINATOR_ID":"b24sync","ORIGIN_ID":"w-2"}}""");
        var found = await emulator.Client.ResultAsync("crm.deal.list", """{"filter":{"ORIGINATOR_ID":"b24sync","ORIGIN_ID":"w-1"},"select":["ID","ORIGIN_ID"]}""");

        var row = Assert.Single(found.AsArray());
        Assert.Equal(id.ToString(), row!["ID"]!.ToString());
        Assert.Equal("w-1", row["ORIGIN_ID"]!.GetValue<string>());
    }

    [Fact]
    public async Task ItemAdd_KeepsOriginatorIdAndOriginId_AndAListFiltersByThem()
    {
        await using var emulator = await QueueKit.StartAsync();
        var type = emulator.AddType();

        var added = await emulator.Client.ResultAsync("crm.item.add", $$$"""{"entityTypeId":{{{type}}},"fields":{"originatorId":"b24sync","originId":"w-9"}}""");
        await emulator.Client.ResultAsync("crm.item.add", $$$"""{"entityTypeId":{{{type}}},"fields":{"originatorId":"b24sync","originId":"w-10"}}""");
        var found = await emulator.Client.ResultAsync("crm.item.list", $$$"""{"entityTypeId":{{{type}}},"filter":{"originatorId":"b24sync","originId":"w-9"}}""");

        Assert.Equal("w-9", added["item"]!["originId"]!.GetValue<string>());
        var item = Assert.Single(found["items"]!.AsArray());
        Assert.Equal(added["item"]!["id"]!.GetValue<long>(), item!["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task BatchWithTheConnectorOnTheOuterRequest_QueuesNothingForThatConnector_ButAKeyInsideACommandDoesNothing()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync("ONCRMDEALADD", connector: "sync");
        await emulator.Client.BindOfflineAsync("ONCRMDEALUPDATE", connector: "sync");

        await emulator.Client.ResultAsync("batch", """{"halt":0,"auth_connector":"sync","cmd":{"a":"crm.deal.add?fields[TITLE]=x","b":"crm.deal.update?id=$result[a]&fields[TITLE]=y"}}""");
        await emulator.WrittenAsync();
        var skipped = emulator.Portal.Queue.Depth(emulator.World.DefaultApp, "sync");
        await emulator.Client.ResultAsync("batch", """{"halt":0,"cmd":{"a":"crm.deal.add?fields[TITLE]=x&auth_connector=sync"}}""");
        await emulator.WrittenAsync();

        Assert.Equal(0, skipped);
        Assert.Equal(1, emulator.Portal.Queue.Depth(emulator.World.DefaultApp, "sync"));
    }

    [Fact]
    public async Task AutomationOnUpdate_ChangesTheObjectInTheSameRequest_AndTheCallersConnectorQueuesNoneOfIt()
    {
        await using var emulator = await QueueKit.StartAsync();
        var id = (await emulator.Client.ResultAsync("crm.deal.add", """{"fields":{"TITLE":"A"}}""")).ToString();
        await emulator.Client.BindOfflineAsync("ONCRMDEALUPDATE", connector: "sync");
        emulator.Portal.Automation.SetOnUpdate("crm.deal", new JsonObject { ["STAGE_ID"] = "PREPARATION" });

        await emulator.Client.ResultAsync("crm.deal.update", $$$"""{"id":{{{id}}},"fields":{"TITLE":"B"},"auth_connector":"sync"}""");
        await emulator.WrittenAsync();
        var got = await emulator.Client.ResultAsync("crm.deal.get", $$$"""{"id":{{{id}}}}""");

        Assert.Equal("B", got["TITLE"]!.GetValue<string>());
        Assert.Equal("PREPARATION", got["STAGE_ID"]!.GetValue<string>());
        Assert.Equal(0, emulator.Portal.Queue.Depth(emulator.World.DefaultApp, "sync"));
    }

    [Fact]
    public async Task AutomationOnItemUpdate_ChangesTheItemInTheSameRequest()
    {
        await using var emulator = await QueueKit.StartAsync();
        var type = emulator.AddType();
        await emulator.Client.ResultAsync("crm.item.add", $$$"""{"entityTypeId":{{{type}}},"fields":{"title":"A"}}""");
        emulator.Portal.Automation.SetOnUpdate($"crm.item.{type}", new JsonObject { ["opportunity"] = 99 });

        var updated = await emulator.Client.ResultAsync("crm.item.update", $$$"""{"entityTypeId":{{{type}}},"id":1,"fields":{"title":"B"}}""");
        var got = await emulator.Client.ResultAsync("crm.item.get", $$$"""{"entityTypeId":{{{type}}},"id":1}""");

        Assert.Equal("B", updated["item"]!["title"]!.GetValue<string>());
        Assert.Equal(99, got["item"]!["opportunity"]!.GetValue<double>());
    }

    [Fact]
    public async Task DroppedAnswerOfAnAdd_InsideABatch_CommitsTheObjectAndTheCallerSeesNoAnswer()
    {
        await using var emulator = await QueueKit.StartAsync();
        emulator.Portal.Faults.DropNextResponses("crm.deal.add");

        var lost = await Record.ExceptionAsync(() => emulator.Client.CallAsync("batch", """{"halt":0,"cmd":{"a":"crm.deal.add?fields[TITLE]=x&fields[ORIGIN_ID]=w-1"}}"""));
        var found = await emulator.Client.ResultAsync("crm.deal.list", """{"filter":{"ORIGIN_ID":"w-1"},"select":["ID"]}""");

        Assert.True(lost is HttpRequestException or IOException, $"Expected a connection error, got {lost}");
        Assert.Single(found.AsArray());
    }
}
