using System.Net;
using System.Security.Cryptography;
using System.Text;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Emulator.Tests.Queue;

public sealed class OfflineQueueTests
{
    [Fact]
    public async Task Updates_ThousandChangesOfOneDeal_CollapseIntoOneRow()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();

        for (var i = 0; i < 1000; i++)
        {
            emulator.RaiseAsUser(7);
        }

        await emulator.WrittenAsync();

        var result = await emulator.Client.ResultAsync("event.offline.get");
        var events = result["events"]!.AsArray();
        Assert.Single(events);
        Assert.Equal(7, events[0]!["EVENT_DATA"]!["FIELDS"]!["ID"]!.GetValue<int>());
        Assert.Equal(1, events[0]!["EVENT_ADDITIONAL"]!["user_id"]!.GetValue<int>());
        Assert.Equal("ONCRMDEALUPDATE", events[0]!["EVENT_NAME"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_TakesRowsInTimestampOrder_SoARowChangedAgainComesAfterThoseChangedBefore()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        // The fake clock moves only when told: rows are written at once instead of a write delay later.
        await using var emulator = await QueueKit.StartAsync(o => o.OfflineWriteDelay = TimeSpan.Zero, clock);
        await emulator.Client.BindOfflineAsync();
        foreach (var id in new[] { 1, 2, 3 })
        {
            emulator.RaiseAsUser(id);
            await emulator.WrittenAsync();
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        // Deal 1 changes again: its row keeps its ID, and its TIMESTAMP_X moves past the others'.
        emulator.RaiseAsUser(1);
        await emulator.WrittenAsync();

        var first = await emulator.Client.ResultAsync("event.offline.get", """{"clear":0,"limit":2}""");
        var second = await emulator.Client.ResultAsync("event.offline.get", """{"clear":0,"limit":2}""");

        Assert.Equal([2, 3], first["events"]!.AsArray().Select(e => e!["EVENT_DATA"]!["FIELDS"]!["ID"]!.GetValue<int>()));
        Assert.Equal([1], second["events"]!.AsArray().Select(e => e!["EVENT_DATA"]!["FIELDS"]!["ID"]!.GetValue<int>()));
        Assert.Equal("1", second["events"]![0]!["ID"]!.ToString());
    }

    [Fact]
    public async Task Rows_OfAddUpdateAndDeleteOfOneDeal_AreSeparate()
    {
        await using var emulator = await QueueKit.StartAsync();
        foreach (var name in new[] { "ONCRMDEALADD", "ONCRMDEALUPDATE", "ONCRMDEALDELETE" })
        {
            await emulator.Client.BindOfflineAsync(name);
            emulator.RaiseAsUser(7, name);
        }

        await emulator.WrittenAsync();

        Assert.Equal(3, emulator.Portal.Queue.Depth(emulator.World.DefaultApp));
    }

    [Fact]
    public async Task Get_MessageId_IsMd5OfNameAndPhpJson()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        emulator.RaiseAsUser(759);
        await emulator.WrittenAsync();

        var result = await emulator.Client.ResultAsync("event.offline.get");

        var expected = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("ONCRMDEALUPDATE|{\"FIELDS\":{\"ID\":759}}")));
        Assert.Equal(expected, result["events"]![0]!["MESSAGE_ID"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_WithClear0_ReservesUnderFreshProcessIdEvenWhenEmpty()
    {
        await using var emulator = await QueueKit.StartAsync();

        var first = await emulator.Client.ResultAsync("event.offline.get", """{"clear":0}""");
        var second = await emulator.Client.ResultAsync("event.offline.get", """{"clear":0}""");

        var pid1 = first["process_id"]!.GetValue<string>();
        var pid2 = second["process_id"]!.GetValue<string>();
        Assert.Equal(32, pid1.Length);
        Assert.NotEqual(pid1, pid2);
        Assert.Empty(first["events"]!.AsArray());
    }

    [Fact]
    public async Task Get_ByProcessId_ReturnsTheSameRowsAgainAndKeepsThem()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        for (var id = 1; id <= 3; id++)
        {
            emulator.RaiseAsUser(id);
        }

        await emulator.WrittenAsync();

        var reserved = await emulator.Client.ResultAsync("event.offline.get", """{"clear":0,"limit":2}""");
        var pid = reserved["process_id"]!.GetValue<string>();
        var again = await emulator.Client.ResultAsync("event.offline.get", $$"""{"clear":0,"process_id":"{{pid}}"}""");

        Assert.Equal(QueueKit.Ids(reserved["events"]), QueueKit.Ids(again["events"]));
        Assert.Equal(2, QueueKit.Ids(again["events"]).Count);
        Assert.Equal(pid, again["process_id"]!.GetValue<string>());
        Assert.Equal(2, emulator.Portal.Queue.Depth(emulator.World.DefaultApp, reserved: true));
        Assert.Equal(1, emulator.Portal.Queue.Depth(emulator.World.DefaultApp, reserved: false));
    }

    [Fact]
    public async Task Get_ByProcessIdWithoutClear0_DeletesTheRowsAfterReturningThem()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        emulator.RaiseAsUser(1);
        await emulator.WrittenAsync();
        var pid = (await emulator.Client.ResultAsync("event.offline.get", """{"clear":0}"""))["process_id"]!.GetValue<string>();

        var result = await emulator.Client.ResultAsync("event.offline.get", $$"""{"process_id":"{{pid}}"}""");

        Assert.Single(result["events"]!.AsArray());
        Assert.Equal(pid, result["process_id"]!.GetValue<string>());
        Assert.Equal(0, emulator.Portal.Queue.Depth(emulator.World.DefaultApp));
    }

    [Fact]
    public async Task Get_WithoutClear_DeletesWhatItReturnsAndAnswersNullProcessId()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        emulator.RaiseAsUser(1);
        emulator.RaiseAsUser(2);
        await emulator.WrittenAsync();

        var answer = (await emulator.Client.CallAsync("event.offline.get", "{}")).EnsureSuccess();

        Assert.True(answer.Body!["result"]!.AsObject().ContainsKey("process_id"));
        Assert.Null(answer.Result!["process_id"]);
        Assert.Equal(2, answer.Result!["events"]!.AsArray().Count);
        Assert.Equal(0, emulator.Portal.Queue.Depth(emulator.World.DefaultApp));
    }

    [Fact]
    public async Task Get_WithFilterAndOrder_ReservesOnlyMatchingRowsInThatOrder()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        for (var id = 1; id <= 5; id++)
        {
            emulator.RaiseAsUser(id);
        }

        await emulator.WrittenAsync();

        var result = await emulator.Client.ResultAsync("event.offline.get", """{"clear":0,"filter":{">ID":2},"order":{"ID":"DESC"}}""");

        Assert.Equal(["5", "4", "3"], QueueKit.Ids(result["events"]));
        Assert.Equal(2, emulator.Portal.Queue.Depth(emulator.World.DefaultApp, reserved: false));
    }

    [Fact]
    public async Task Clear_WithMessageIdOrIdSubsets_DeletesOnlyThose()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        for (var id = 1; id <= 3; id++)
        {
            emulator.RaiseAsUser(id);
        }

        await emulator.WrittenAsync();

        var reserved = await emulator.Client.ResultAsync("event.offline.get", """{"clear":0}""");
        var pid = reserved["process_id"]!.GetValue<string>();
        var events = reserved["events"]!.AsArray();
        var firstMessage = events[0]!["MESSAGE_ID"]!.GetValue<string>();
        var secondId = events[1]!["ID"]!.GetValue<string>();

        Assert.True((await emulator.Client.ResultAsync("event.offline.clear", $$"""{"process_id":"{{pid}}","message_id":["{{firstMessage}}"]}""")).GetValue<bool>());
        Assert.True((await emulator.Client.ResultAsync("event.offline.clear", $$"""{"process_id":"{{pid}}","id":[{{secondId}}]}""")).GetValue<bool>());

        var left = emulator.Portal.Queue.Snapshot();
        Assert.Equal([events[2]!["ID"]!.GetValue<string>()], left.Select(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Clear_OfUnknownProcessId_AnswersTrue()
    {
        await using var emulator = await QueueKit.StartAsync();

        var result = await emulator.Client.ResultAsync("event.offline.clear", """{"process_id":"nosuchprocessnosuchprocessnosuch"}""");

        Assert.True(result.GetValue<bool>());
    }

    [Theory]
    [InlineData("""{}""", "Argument 'PROCESS_ID' is null or empty")]
    [InlineData("""{"process_id":"p","message_id":"abc"}""", "Value must be array of MESSAGE_ID values")]
    [InlineData("""{"process_id":"p","message_id":["short"]}""", "Value must be array of MESSAGE_ID values")]
    [InlineData("""{"process_id":"p","id":[0]}""", "Value must be array of integers")]
    [InlineData("""{"process_id":"p","id":"5"}""", "Value must be array of integers")]
    public async Task Clear_WithInvalidArguments_Is400ErrorArgument(string parameters, string description)
    {
        await using var emulator = await QueueKit.StartAsync();

        var answer = await emulator.Client.CallAsync("event.offline.clear", parameters);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("ERROR_ARGUMENT", answer.Error);
        Assert.Equal(description, answer.ErrorDescription);
    }

    [Fact]
    public async Task Error_MarkedRows_AreVisibleOnlyWithError1()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        emulator.RaiseAsUser(1);
        await emulator.WrittenAsync();
        var reserved = await emulator.Client.ResultAsync("event.offline.get", """{"clear":0}""");
        var pid = reserved["process_id"]!.GetValue<string>();
        var message = reserved["events"]![0]!["MESSAGE_ID"]!.GetValue<string>();

        await emulator.Client.ResultAsync("event.offline.error", $$"""{"process_id":"{{pid}}","message_id":["{{message}}"]}""");

        Assert.Empty((await emulator.Client.ResultAsync("event.offline.get", """{"clear":0}"""))["events"]!.AsArray());
        var errors = await emulator.Client.ResultAsync("event.offline.get", """{"clear":0,"error":1}""");
        Assert.Equal(message, errors["events"]![0]!["MESSAGE_ID"]!.GetValue<string>());
    }

    [Fact]
    public async Task Error_LaterChangeOfTheObject_MergesIntoTheErrorRow()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        emulator.RaiseAsUser(1);
        await emulator.WrittenAsync();
        var reserved = await emulator.Client.ResultAsync("event.offline.get", """{"clear":0}""");
        var pid = reserved["process_id"]!.GetValue<string>();
        var message = reserved["events"]![0]!["MESSAGE_ID"]!.GetValue<string>();
        await emulator.Client.ResultAsync("event.offline.error", $$"""{"process_id":"{{pid}}","message_id":["{{message}}"]}""");

        emulator.RaiseAsUser(1);
        await emulator.WrittenAsync();

        var rows = emulator.Portal.Queue.Snapshot();
        Assert.Single(rows);
        Assert.True(rows[0].Error);
        Assert.Empty((await emulator.Client.ResultAsync("event.offline.get"))["events"]!.AsArray());
    }

    [Fact]
    public async Task Change_ToReservedObject_CreatesNewUnreservedRowThatSurvivesClear()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        emulator.RaiseAsUser(1);
        await emulator.WrittenAsync();
        var reserved = await emulator.Client.ResultAsync("event.offline.get", """{"clear":0}""");
        var pid = reserved["process_id"]!.GetValue<string>();

        emulator.RaiseAsUser(1);
        await emulator.WrittenAsync();
        await emulator.Client.ResultAsync("event.offline.clear", $$"""{"process_id":"{{pid}}"}""");

        var next = await emulator.Client.ResultAsync("event.offline.get");
        var events = next["events"]!.AsArray();
        Assert.Single(events);
        Assert.Equal(reserved["events"]![0]!["MESSAGE_ID"]!.GetValue<string>(), events[0]!["MESSAGE_ID"]!.GetValue<string>());
        Assert.NotEqual(reserved["events"]![0]!["ID"]!.GetValue<string>(), events[0]!["ID"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_FiltersByProcessIdAndError_AndPagesByFifty()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        for (var id = 1; id <= 120; id++)
        {
            emulator.RaiseAsUser(id);
        }

        await emulator.WrittenAsync();

        var pid = (await emulator.Client.ResultAsync("event.offline.get", """{"clear":0,"limit":30}"""))["process_id"]!.GetValue<string>();

        var first = (await emulator.Client.CallAsync("event.offline.list", "{}")).EnsureSuccess();
        Assert.Equal(50, first.Result!.AsArray().Count);
        Assert.Equal(120, first.Body!["total"]!.GetValue<int>());
        Assert.Equal(50, first.Body!["next"]!.GetValue<int>());
        Assert.Equal(pid, first.Result![0]!["PROCESS_ID"]!.GetValue<string>());
        Assert.Equal("0", first.Result![0]!["ERROR"]!.GetValue<string>());

        var last = (await emulator.Client.CallAsync("event.offline.list", """{"start":100}""")).EnsureSuccess();
        Assert.Equal(20, last.Result!.AsArray().Count);
        Assert.Null(last.Body!["next"]);
        Assert.Equal("", last.Result![19]!["PROCESS_ID"]!.GetValue<string>());

        // A start inside a page is rounded down to the page's first row, as the server pages.
        var inside = (await emulator.Client.CallAsync("event.offline.list", """{"start":75}""")).EnsureSuccess();
        Assert.Equal(50, inside.Result!.AsArray().Count);
        Assert.Equal(100, inside.Body!["next"]!.GetValue<int>());
        Assert.Equal(first.Body!["total"]!.GetValue<int>(), inside.Body!["total"]!.GetValue<int>());
        Assert.Equal(
            (await emulator.Client.CallAsync("event.offline.list", """{"start":50}""")).EnsureSuccess().Result![0]!["ID"]!.ToString(),
            inside.Result![0]!["ID"]!.ToString());

        var byPid = (await emulator.Client.CallAsync("event.offline.list", $$$"""{"filter":{"PROCESS_ID":"{{{pid}}}"}}""")).EnsureSuccess();
        Assert.Equal(30, byPid.Body!["total"]!.GetValue<int>());
        var errors = (await emulator.Client.CallAsync("event.offline.list", """{"filter":{"ERROR":"1"}}""")).EnsureSuccess();
        Assert.Equal(0, errors.Body!["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"filter":{"PROCESS_ID":""}}""", "Filter field not allowed: PROCESS_ID")]
    [InlineData("""{"filter":{"!ID":1}}""", "Filter operation not allowed: !")]
    [InlineData("""{"order":{"ID":"UP"}}""", "Order direction should be one of {ASC|DESC}")]
    [InlineData("""{"order":{"APP_ID":"ASC"}}""", "Order field not allowed: APP_ID")]
    [InlineData("""{"filter":{"@ID":[1,2]}}""", "The value of an argument '@ID' has an invalid type")]
    public async Task Get_WithInvalidFilterOrOrder_Is400ErrorArgument(string parameters, string description)
    {
        await using var emulator = await QueueKit.StartAsync();

        var answer = await emulator.Client.CallAsync("event.offline.get", parameters);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("ERROR_ARGUMENT", answer.Error);
        Assert.Equal(description, answer.ErrorDescription);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("\"many\"")]
    public async Task Get_WithLimitNotPositive_Is400NamingLimit(string limit)
    {
        await using var emulator = await QueueKit.StartAsync();

        var answer = await emulator.Client.CallAsync("event.offline.get", $$"""{"limit":{{limit}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("Value must be positive integer", answer.ErrorDescription);
        Assert.Equal("LIMIT", answer.Body!["argument"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_WithLimitAboveFifty_HasNoMaximum()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        for (var id = 1; id <= 120; id++)
        {
            emulator.RaiseAsUser(id);
        }

        await emulator.WrittenAsync();

        var result = await emulator.Client.ResultAsync("event.offline.get", """{"limit":1000}""");

        Assert.Equal(120, result["events"]!.AsArray().Count);
    }

    [Fact]
    public async Task Get_WithClear0WithoutTheFeature_Is403WrongLicense()
    {
        await using var emulator = await QueueKit.StartAsync();
        emulator.Portal.SetFeature("rest_offline_extended", false);

        var answer = await emulator.Client.CallAsync("event.offline.get", """{"clear":0}""");
        var plain = await emulator.Client.CallAsync("event.offline.get", "{}");

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("WRONG_LICENSE", answer.Error);
        Assert.Equal("This feature is not enabled for the current license: extended offline events handling", answer.ErrorDescription);
        Assert.Equal(HttpStatusCode.OK, plain.Status);
    }

    [Theory]
    [InlineData("event.offline.get")]
    [InlineData("event.offline.clear")]
    [InlineData("event.offline.error")]
    [InlineData("event.offline.list")]
    public async Task QueueMethods_ForNonAdmin_Are403AccessDenied(string method)
    {
        await using var emulator = await QueueKit.StartAsync();
        var tokens = emulator.World.AuthorizeApp(emulator.Portal, userId: 5, isAdmin: false);
        using var user = EmulatorHarness.ClientFor(emulator.Portal, tokens.AccessToken);

        var answer = await user.CallAsync(method, """{"process_id":"p","message_id":[]}""");

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("ACCESS_DENIED", answer.Error);
        Assert.Equal("Access denied!", answer.ErrorDescription);
    }

    [Fact]
    public async Task Get_ParallelCallers_ReceiveDisjointSets()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        for (var id = 1; id <= 200; id++)
        {
            emulator.RaiseAsUser(id);
        }

        await emulator.WrittenAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => emulator.Client.ResultAsync("event.offline.get", """{"clear":0,"limit":30}""")));

        var ids = results.SelectMany(r => QueueKit.Ids(r["events"])).ToList();
        Assert.Equal(200, ids.Count);
        Assert.Equal(200, ids.Distinct().Count());
        Assert.Equal(8, results.Select(r => r["process_id"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task Get_FormEncoded_ReadsPhpStyleParameters()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        emulator.RaiseAsUser(1);
        emulator.RaiseAsUser(2);
        await emulator.WrittenAsync();

        var answer = (await emulator.Client.CallFormAsync("event.offline.get", "clear=0&filter[>ID]=1&order[ID]=DESC", TestContext.Current.CancellationToken)).EnsureSuccess();

        Assert.Equal(["2"], QueueKit.Ids(answer.Result!["events"]));
        Assert.Equal(32, answer.Result!["process_id"]!.GetValue<string>().Length);
    }
}
