using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

public sealed class TaskMethodsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Add_AnswersTheTaskWithLowerCamelCaseKeys()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = (await emulator.Client.CallAsync("tasks.task.add", Json("""{"fields":{"TITLE":"Call back","RESPONSIBLE_ID":7,"DEADLINE":"2026-12-01T10:00:00+03:00"}}"""), Ct)).EnsureSuccess();

        var task = answer.Result!["task"]!.AsObject();
        Assert.Equal("1", task["id"]!.GetValue<string>());
        Assert.Equal("Call back", task["title"]!.GetValue<string>());
        Assert.Equal("7", task["responsibleId"]!.GetValue<string>());
        Assert.Equal("1", task["createdBy"]!.GetValue<string>());
        Assert.Equal("2", task["status"]!.GetValue<string>());
        Assert.Equal("2026-12-01T10:00:00+03:00", task["deadline"]!.GetValue<string>());
        Assert.Equal(task["createdDate"]!.GetValue<string>(), task["changedDate"]!.GetValue<string>());
        Assert.All(task, p => Assert.True(char.IsLower(p.Key[0]) && !p.Key.Contains('_', StringComparison.Ordinal), p.Key));
    }

    [Fact]
    public async Task Update_ChangesFieldsAndChangedDateAndAnswersTheTask()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await EmulatorHarness.StartAsync(time: clock);
        var created = (await emulator.Client.CallAsync("tasks.task.add", Json("""{"fields":{"TITLE":"Draft"}}"""), Ct)).EnsureSuccess().Result!["task"]!;
        clock.Advance(TimeSpan.FromMinutes(5));

        var updated = (await emulator.Client.CallAsync("tasks.task.update", Json("""{"taskId":1,"fields":{"TITLE":"Final","STATUS":"5"}}"""), Ct)).EnsureSuccess().Result!["task"]!;

        Assert.Equal("Final", updated["title"]!.GetValue<string>());
        Assert.Equal("5", updated["status"]!.GetValue<string>());
        Assert.Equal(created["createdDate"]!.GetValue<string>(), updated["createdDate"]!.GetValue<string>());
        Assert.NotEqual(created["changedDate"]!.GetValue<string>(), updated["changedDate"]!.GetValue<string>());
        Assert.Equal(updated["changedDate"]!.GetValue<string>(), updated["closedDate"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_WithSelect_AnswersOnlyThoseFieldsPlusId()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        (await emulator.Client.CallAsync("tasks.task.add", Json("""{"fields":{"TITLE":"One","UF_CRM_TASK":["D_1"]}}"""), Ct)).EnsureSuccess();

        var narrow = (await emulator.Client.CallAsync("tasks.task.get", Json("""{"taskId":1,"select":["TITLE","UF_CRM_TASK"]}"""), Ct)).EnsureSuccess();
        var full = (await emulator.Client.CallAsync("tasks.task.get", Json("""{"taskId":"1"}"""), Ct)).EnsureSuccess();

        Assert.Equal(["id", "title", "ufCrmTask"], narrow.Result!["task"]!.AsObject().Select(p => p.Key));
        Assert.Equal("D_1", narrow.Result!["task"]!["ufCrmTask"]![0]!.GetValue<string>());
        Assert.True(full.Result!["task"]!.AsObject().ContainsKey("responsibleId"));
        Assert.False(full.Result!["task"]!.AsObject().ContainsKey("ufCrmTask"));
    }

    [Fact]
    public async Task Delete_AnswersTaskTrueAndGetThenAnswersAccessDeniedByDefault()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        (await emulator.Client.CallAsync("tasks.task.add", Json("""{"fields":{"TITLE":"Gone soon"}}"""), Ct)).EnsureSuccess();

        var deleted = (await emulator.Client.CallAsync("tasks.task.delete", Json("""{"taskId":1}"""), Ct)).EnsureSuccess();
        var get = await emulator.Client.CallAsync("tasks.task.get", Json("""{"taskId":1}"""), Ct);
        var update = await emulator.Client.CallAsync("tasks.task.update", Json("""{"taskId":1,"fields":{"TITLE":"x"}}"""), Ct);

        Assert.True(deleted.Result!["task"]!.GetValue<bool>());
        foreach (var answer in new[] { get, update })
        {
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal("ACCESS_DENIED", answer.Error);
            Assert.Equal("Access denied.", answer.ErrorDescription);
        }
    }

    [Fact]
    public async Task Get_OfDeletedTask_WithNotFoundOption_AnswersNotFound()
    {
        await using var emulator = await EmulatorHarness.StartAsync(o => o.DeletedTaskAnswer = DeletedTaskAnswer.NotFound);
        (await emulator.Client.CallAsync("tasks.task.add", Json("""{"fields":{"TITLE":"Gone soon"}}"""), Ct)).EnsureSuccess();
        (await emulator.Client.CallAsync("tasks.task.delete", Json("""{"taskId":1}"""), Ct)).EnsureSuccess();

        var answer = await emulator.Client.CallAsync("tasks.task.get", Json("""{"taskId":1}"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("", answer.Error);
        Assert.Equal("Not found", answer.ErrorDescription);
    }

    [Fact]
    public async Task List_AnswersTasksUnderTasksKeyWithTotalNextFilterSelectAndOrder()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        for (var i = 1; i <= 60; i++)
        {
            emulator.World.CallAsUser(emulator.Portal, "tasks.task.add", Json($$$"""{"fields":{"TITLE":"Task {{{i}}}","RESPONSIBLE_ID":{{{(i % 2) + 1}}}}}"""));
        }

        var page = (await emulator.Client.CallAsync("tasks.task.list", Json("""{"filter":{"RESPONSIBLE_ID":2},"select":["ID","TITLE"],"order":{"ID":"DESC"}}"""), Ct)).EnsureSuccess();
        var filtered = (await emulator.Client.CallAsync("tasks.task.list", Json("""{"filter":{">ID":55,"%TITLE":"task"}}"""), Ct)).EnsureSuccess();
        var all = (await emulator.Client.CallAsync("tasks.task.list", [], Ct)).EnsureSuccess();

        var tasks = page.Result!["tasks"]!.AsArray();
        Assert.Equal(30, tasks.Count);
        Assert.Equal(30, page.Body!["total"]!.GetValue<int>());
        Assert.Null(page.Body!["next"]);
        Assert.Equal("59", tasks[0]!["id"]!.GetValue<string>());
        Assert.Equal(["id", "title"], tasks[0]!.AsObject().Select(p => p.Key));
        Assert.Equal(["56", "57", "58", "59", "60"], filtered.Result!["tasks"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()));
        Assert.Equal(50, all.Result!["tasks"]!.AsArray().Count);
        Assert.Equal(50, all.Body!["next"]!.GetValue<int>());
        Assert.Equal(60, all.Body!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task List_WhenEmpty_AnswersAnEmptyTasksList()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = (await emulator.Client.CallAsync("tasks.task.list", [], Ct)).EnsureSuccess();

        Assert.Empty(answer.Result!["tasks"]!.AsArray());
        Assert.Equal(0, answer.Body!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Add_WithoutTitle_IsRefused()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.Client.CallAsync("tasks.task.add", Json("""{"fields":{"DESCRIPTION":"no title"}}"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("ERROR_CORE", answer.Error);
        Assert.Equal(0, emulator.Portal.Tasks.Count);
    }

    [Fact]
    public async Task Changes_RaiseTaskEventsWithDocumentedDataShapes()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var hit = new HitContext(emulator.World, emulator.Portal, Caller.PortalUser());

        emulator.World.Invoker.Invoke(hit, "tasks.task.add", Json("""{"fields":{"TITLE":"A"}}"""), inBatch: false);
        emulator.World.Invoker.Invoke(hit, "tasks.task.update", Json("""{"taskId":1,"fields":{"TITLE":"B"}}"""), inBatch: false);
        emulator.World.Invoker.Invoke(hit, "tasks.task.delete", Json("""{"taskId":1}"""), inBatch: false);

        var events = hit.Events;
        Assert.Equal(["ONTASKADD", "ONTASKUPDATE", "ONTASKDELETE"], events.Select(e => e.Name));
        AssertJson("""{"FIELDS_BEFORE":"undefined","FIELDS_AFTER":{"ID":1},"IS_ACCESSIBLE_BEFORE":"N","IS_ACCESSIBLE_AFTER":"undefined"}""", events[0].Data);
        AssertJson("""{"FIELDS_BEFORE":{"ID":1},"FIELDS_AFTER":{"ID":1},"IS_ACCESSIBLE_BEFORE":"undefined","IS_ACCESSIBLE_AFTER":"undefined"}""", events[1].Data);
        AssertJson("""{"FIELDS_BEFORE":{"ID":1},"FIELDS_AFTER":"undefined","IS_ACCESSIBLE_BEFORE":"undefined","IS_ACCESSIBLE_AFTER":"N"}""", events[2].Data);
        Assert.Equal(JsonValueKind.Number, events[1].Data["FIELDS_AFTER"]!["ID"]!.GetValueKind());
    }

    [Fact]
    public async Task FormBody_WithPhpKeys_WorksLikeJson()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        (await emulator.Client.CallFormAsync("tasks.task.add", "fields[TITLE]=Form+task&fields[RESPONSIBLE_ID]=3", Ct)).EnsureSuccess();
        var answer = (await emulator.Client.CallFormAsync("tasks.task.get", "taskId=1&select[0]=TITLE&select[1]=RESPONSIBLE_ID", Ct)).EnsureSuccess();

        AssertJson("""{"task":{"id":"1","title":"Form task","responsibleId":"3"}}""", answer.Result);
    }

    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}, got {actual?.ToJsonString()}");
}
