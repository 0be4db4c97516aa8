using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Emulator.Tests.World;

/// <summary>
/// Changes no offline event announces: made through a path that raises none, or while the app was not installed.
/// The object changes all the same; only reading the portal (a drift check, bitrix24-api.md §12) finds them.
/// </summary>
public sealed class SilentChangeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CallSilently_Update_ChangesTheObjectAndItsDateModify_AndQueuesNoRowAndRingsNoDoorbell()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await ListeningAsync(receiver, time);
        emulator.World.Seed(emulator.Portal, "crm.deal", 10);
        time.Advance(TimeSpan.FromMinutes(30));

        var answer = emulator.World.CallSilently(emulator.Portal, "crm.deal.update", Json("""{"id":5,"fields":{"TITLE":"Renamed quietly","OPPORTUNITY":42}}"""));
        await emulator.World.WhenDeliveriesIdleAsync(Ct);

        Assert.True(answer.Result!.GetValue<bool>());
        var deal = await GetDealAsync(emulator, 5);
        Assert.Equal("Renamed quietly", deal["TITLE"]!.GetValue<string>());
        Assert.Equal("42.00", deal["OPPORTUNITY"]!.GetValue<string>());
        Assert.Equal(emulator.Portal.FormatTime(time.GetUtcNow()), deal["DATE_MODIFY"]!.GetValue<string>());
        AssertNothingAnnounced(emulator, receiver);
    }

    [Fact]
    public async Task CallSilently_Delete_RemovesTheObject_AndQueuesNoRowAndRingsNoDoorbell()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await ListeningAsync(receiver);
        emulator.World.Seed(emulator.Portal, "crm.deal", 10);

        emulator.World.CallSilently(emulator.Portal, "crm.deal.delete", Json("""{"id":5}"""));
        await emulator.World.WhenDeliveriesIdleAsync(Ct);

        var get = await emulator.Client.CallAsync("crm.deal.get", Json("""{"id":5}"""), Ct);
        var page = (await emulator.Client.CallAsync("crm.deal.list", Json("""{"order":{"ID":"ASC"},"filter":{">ID":0,"<=ID":10},"select":["ID"],"start":-1}"""), Ct)).EnsureSuccess();
        Assert.Equal(HttpStatusCode.BadRequest, get.Status);
        Assert.Equal("Not found", get.ErrorDescription);
        Assert.Equal(["1", "2", "3", "4", "6", "7", "8", "9", "10"], page.Result!.AsArray().Select(d => d!["ID"]!.GetValue<string>()));
        AssertNothingAnnounced(emulator, receiver);
    }

    [Fact]
    public async Task CallSilently_AddAndTaskUpdate_ChangeThePortal_AndQueueNoRow()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await ListeningAsync(receiver, time);
        emulator.World.Seed(emulator.Portal, "task", 3);
        time.Advance(TimeSpan.FromMinutes(5));

        var added = emulator.World.CallSilently(emulator.Portal, "crm.deal.add", Json("""{"fields":{"TITLE":"Imported"}}"""));
        emulator.World.CallSilently(emulator.Portal, "tasks.task.update", Json("""{"taskId":2,"fields":{"TITLE":"Edited quietly"}}"""));
        await emulator.World.WhenDeliveriesIdleAsync(Ct);

        Assert.Equal("Imported", (await GetDealAsync(emulator, added.Result!.GetValue<long>()))["TITLE"]!.GetValue<string>());
        var task = (await emulator.Client.CallAsync("tasks.task.get", Json("""{"taskId":2}"""), Ct)).EnsureSuccess().Result!["task"]!;
        Assert.Equal("Edited quietly", task["title"]!.GetValue<string>());
        Assert.Equal(emulator.Portal.FormatTime(time.GetUtcNow()), task["changedDate"]!.GetValue<string>());
        AssertNothingAnnounced(emulator, receiver);
    }

    [Fact]
    public async Task CallSilently_OfAMissingObject_ThrowsTheMethodsError()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var error = Assert.Throws<RestException>(() => emulator.World.CallSilently(emulator.Portal, "crm.deal.update", Json("""{"id":77,"fields":{"TITLE":"x"}}""")));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal("Not found", error.Description);
    }

    [Fact]
    public async Task CallAsUser_AfterASilentChange_IsStillQueued()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await ListeningAsync(receiver);
        emulator.World.Seed(emulator.Portal, "crm.deal", 2);
        emulator.World.CallSilently(emulator.Portal, "crm.deal.update", Json("""{"id":1,"fields":{"TITLE":"Quiet"}}"""));

        emulator.World.CallAsUser(emulator.Portal, "crm.deal.update", Json("""{"id":2,"fields":{"TITLE":"Loud"}}"""));
        var bell = await receiver.NextAsync();
        await emulator.WrittenAsync();

        Assert.Equal("ONOFFLINEEVENT", bell["event"]);
        var row = Assert.Single(emulator.Portal.Queue.Snapshot());
        Assert.Equal("ONCRMDEALUPDATE", row.EventName);
        Assert.Equal(2, row.EventData!["FIELDS"]!["ID"]!.GetValue<long>());
    }

    /// <summary>An emulator whose app bound the CRM deal and task events offline and a doorbell at <paramref name="receiver"/>.</summary>
    private static async Task<EmulatorHarness> ListeningAsync(HttpReceiver receiver, TimeProvider? time = null)
    {
        var emulator = await QueueKit.StartAsync(time: time);
        foreach (var name in (string[])["ONCRMDEALADD", "ONCRMDEALUPDATE", "ONCRMDEALDELETE", "ONTASKADD", "ONTASKUPDATE", "ONTASKDELETE"])
        {
            await emulator.Client.BindOfflineAsync(name);
        }

        await emulator.Client.ResultAsync("event.bind", $$$"""{"event":"ONOFFLINEEVENT","handler":"{{{receiver.Url("/bell")}}}","options":{"minTimeout":0}}""");
        return emulator;
    }

    private static void AssertNothingAnnounced(EmulatorHarness emulator, HttpReceiver receiver)
    {
        Assert.Equal(0, emulator.Portal.Queue.Count);
        Assert.Empty(emulator.Portal.Deliveries.Of("ONOFFLINEEVENT"));
        Assert.False(receiver.TryTake(out _));
    }

    private static async Task<JsonNode> GetDealAsync(EmulatorHarness emulator, long id) =>
        (await emulator.Client.CallAsync("crm.deal.get", new JsonObject { ["id"] = id }, Ct)).EnsureSuccess().Result!;

    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();
}
