using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

/// <summary>How CRM and task lists read <c>start</c>, <c>order</c> and range filters (bitrix24-api.md §12).</summary>
public sealed class ListPagingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CrmList_StartMinusOne_AnswersTheFirstPageWithTotal0AndNoNext()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 120);

        var answer = (await emulator.Client.CallAsync("crm.deal.list", Json("""{"start":-1}"""), Ct)).EnsureSuccess();

        Assert.Equal(50, answer.Result!.AsArray().Count);
        Assert.Equal("1", answer.Result![0]!["ID"]!.GetValue<string>());
        Assert.Equal(0, answer.Body!["total"]!.GetValue<int>());
        Assert.Null(answer.Body!["next"]);
    }

    [Theory]
    [InlineData("-2")]
    [InlineData("-75")]
    [InlineData("abc")]
    public async Task CrmList_OtherNegativeOrNonNumericStart_ReadsTheFirstPageWithItsCount(string start)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 120);

        var answer = (await emulator.Client.CallAsync("crm.deal.list", new JsonObject { ["start"] = start }, Ct)).EnsureSuccess();

        Assert.Equal("1", answer.Result![0]!["ID"]!.GetValue<string>());
        Assert.Equal(120, answer.Body!["total"]!.GetValue<int>());
        Assert.Equal(50, answer.Body!["next"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(75, "51", 100)]
    [InlineData(99, "51", 100)]
    [InlineData(100, "101", null)]
    [InlineData(1, "1", 50)]
    public async Task CrmList_Start_IsRoundedDownToAPageOf50_AndNextFollowsFromThePage(int start, string firstId, int? next)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 120);

        var answer = (await emulator.Client.CallAsync("crm.deal.list", new JsonObject { ["start"] = start }, Ct)).EnsureSuccess();

        Assert.Equal(firstId, answer.Result![0]!["ID"]!.GetValue<string>());
        Assert.Equal(next, answer.Body!["next"]?.GetValue<int>());
        Assert.Equal(120, answer.Body!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task CrmList_KeysetPagingWithStartMinusOne_ReadsEveryObjectOnceInIdOrder()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 120);
        var seen = new List<string>();
        var last = "0";

        while (true)
        {
            var parameters = Json($$"""{"order":{"ID":"ASC"},"filter":{">ID":"{{last}}"},"select":["ID"],"start":-1}""");
            var page = (await emulator.Client.CallAsync("crm.deal.list", parameters, Ct)).EnsureSuccess();
            var ids = Ids(page);
            seen.AddRange(ids);
            if (ids.Length < 50)
            {
                break;
            }

            last = ids[^1];
        }

        Assert.Equal(Enumerable.Range(1, 120).Select(i => i.ToString(CultureInfo.InvariantCulture)), seen);
    }

    [Theory]
    [InlineData(">ID")]
    [InlineData(">=ID")]
    [InlineData("<ID")]
    [InlineData("<=ID")]
    public async Task CrmList_RangeFilterWithAnEmptyValue_IsNoCondition(string key)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 3);

        var answer = (await emulator.Client.CallAsync("crm.deal.list", new JsonObject { ["filter"] = new JsonObject { [key] = "" } }, Ct)).EnsureSuccess();

        Assert.Equal(["1", "2", "3"], Ids(answer));
    }

    [Fact]
    public async Task TaskList_StartMinusOne_AnswersTheFirstPageWithTotal0AndNoNext()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddTasks(emulator, 60);

        var answer = (await emulator.Client.CallAsync("tasks.task.list", Json("""{"start":-1}"""), Ct)).EnsureSuccess();

        Assert.Equal(50, answer.Result!["tasks"]!.AsArray().Count);
        Assert.Equal(0, answer.Body!["total"]!.GetValue<int>());
        Assert.Null(answer.Body!["next"]);
    }

    [Theory]
    [InlineData(-5, "1", 50)]
    [InlineData(75, "51", 100)]
    [InlineData(110, "101", null)]
    public async Task TaskList_Start_IsRoundedDownToAPageOf50_AndOtherNegativesReadTheFirstPage(int start, string firstId, int? next)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddTasks(emulator, 120);

        var answer = (await emulator.Client.CallAsync("tasks.task.list", new JsonObject { ["start"] = start, ["select"] = new JsonArray("ID") }, Ct)).EnsureSuccess();

        Assert.Equal(firstId, answer.Result!["tasks"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(next, answer.Body!["next"]?.GetValue<int>());
        Assert.Equal(120, answer.Body!["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"ID":"DESC"}""", new[] { "3", "2", "1" })]
    [InlineData("""{"id":"desc"}""", new[] { "3", "2", "1" })]
    [InlineData("""{"ID":"ASC"}""", new[] { "1", "2", "3" })]
    [InlineData("""{"id":"asc"}""", new[] { "1", "2", "3" })]
    public async Task TaskList_OrderById_IsHonouredInEitherCase(string order, string[] expected)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddTasks(emulator, 3);

        var answer = (await emulator.Client.CallAsync("tasks.task.list", Json($$"""{"order":{{order}}}"""), Ct)).EnsureSuccess();

        Assert.Equal(expected, answer.Result!["tasks"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()));
    }

    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    private static string[] Ids(RestAnswer answer) => [.. answer.Result!.AsArray().Select(i => i!["ID"]!.GetValue<string>())];

    private static void AddDeals(EmulatorHarness emulator, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            emulator.World.CallAsUser(emulator.Portal, "crm.deal.add", Json($$$"""{"fields":{"TITLE":"Deal {{{i}}}"}}"""));
        }
    }

    private static void AddTasks(EmulatorHarness emulator, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            emulator.World.CallAsUser(emulator.Portal, "tasks.task.add", Json($$$"""{"fields":{"TITLE":"Task {{{i}}}"}}"""));
        }
    }
}
