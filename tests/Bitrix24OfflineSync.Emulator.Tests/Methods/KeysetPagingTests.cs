using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

/// <summary>
/// Keyset pages as an initial load or a drift check reads them (bitrix24-api.md §12): <c>order={"ID":"ASC"}</c>, an ID
/// range in the filter, <c>start=-1</c>, many pages to a batch; and the newest-ID probe (<c>order={"ID":"DESC"}</c>).
/// </summary>
public sealed class KeysetPagingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CrmList_IdRangePage_ReturnsExactlyTheObjectsInTheRangeInIdOrder_WithTotal0AndNoNext()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 200);
        DeleteDeals(emulator, 101, 120, 121, 150, 151);

        var answer = await ListAsync(emulator, "crm.deal.list", """{"order":{"ID":"ASC"},"filter":{">ID":100,"<=ID":150},"start":-1}""");

        Assert.Equal(Range(102, 119).Concat(Range(122, 149)), Ids(answer.Result));
        Assert.Equal(0, answer.Body!["total"]!.GetValue<int>());
        Assert.Null(answer.Body["next"]);
        Assert.Equal("Deal 102", answer.Result![0]!["TITLE"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("'>=ID':10,'<ID':20", 10, 19)]
    [InlineData("'>ID':'9.5','<=ID':'12.5'", 10, 12)]
    [InlineData("'>ID':'180'", 181, 200)]
    [InlineData("'<=ID':3", 1, 3)]
    [InlineData("'>ID':10,'>=ID':15,'<ID':30,'<=ID':17", 15, 17)]
    public async Task CrmList_EachIdBoundAndTheirCombinations_NarrowTheSelectionToTheirRange(string bounds, int first, int last)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 200);

        var filter = "{" + bounds.Replace('\'', '"') + "}";
        var answer = await ListAsync(emulator, "crm.deal.list", $$"""{"order":{"ID":"ASC"},"filter":{{filter}},"select":["ID"],"start":-1}""");

        Assert.Equal(Range(first, last), Ids(answer.Result));
    }

    [Fact]
    public async Task CrmList_RangeThatHoldsNothing_AnswersAnEmptyPage()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 60);

        var inverted = await ListAsync(emulator, "crm.deal.list", """{"filter":{">ID":50,"<=ID":40},"start":-1}""");
        var pastTheEnd = await ListAsync(emulator, "crm.deal.list", """{"filter":{">ID":60},"start":-1}""");
        var beyondAnyId = await ListAsync(emulator, "crm.deal.list", """{"filter":{">ID":"79228162514264337593543950335"},"start":-1}""");
        var belowAnyId = await ListAsync(emulator, "crm.deal.list", """{"filter":{"<ID":"-79228162514264337593543950335"},"start":-1}""");

        Assert.Empty(inverted.Result!.AsArray());
        Assert.Empty(pastTheEnd.Result!.AsArray());
        Assert.Empty(beyondAnyId.Result!.AsArray());
        Assert.Empty(belowAnyId.Result!.AsArray());
    }

    [Theory]
    [InlineData("@ID")]
    [InlineData("ID")]
    public async Task CrmList_RangeWithAnIdList_ReturnsOnlyTheListedObjectsInsideTheRange(string listKey)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 200);
        DeleteDeals(emulator, 60);

        var answer = await ListAsync(emulator, "crm.deal.list", $$"""{"filter":{"{{listKey}}":[150,5,60,50,250,150],">ID":10,"<=ID":150},"order":{"ID":"ASC"},"start":-1}""");

        Assert.Equal(["50", "150"], Ids(answer.Result));
    }

    [Fact]
    public async Task CrmList_IdRangeWithStartZero_CountsOnlyTheObjectsInTheRange()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 200);

        var first = await ListAsync(emulator, "crm.deal.list", """{"filter":{">ID":20,"<=ID":100},"order":{"ID":"ASC"},"start":0}""");
        var second = await ListAsync(emulator, "crm.deal.list", """{"filter":{">ID":20,"<=ID":100},"order":{"ID":"ASC"},"start":50}""");

        Assert.Equal(Range(21, 70), Ids(first.Result));
        Assert.Equal(80, first.Body!["total"]!.GetValue<int>());
        Assert.Equal(50, first.Body["next"]!.GetValue<int>());
        Assert.Equal(Range(71, 100), Ids(second.Result));
        Assert.Null(second.Body!["next"]);
    }

    [Fact]
    public async Task CrmList_RangeWithOtherConditionsAndAnotherOrder_AnswersWhatTheWholeSelectionHoldsInThatRange()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        for (var i = 1; i <= 300; i++)
        {
            AddDeal(emulator, $$"""{"TITLE":"Deal {{i}}","OPPORTUNITY":{{i * 37 % 1000}},"STAGE_ID":"{{(i % 3 == 0 ? "WON" : "NEW")}}"}""");
        }

        DeleteDeals(emulator, 60, 61, 90, 201);
        const string Rest = """ "!STAGE_ID":"WON",">OPPORTUNITY":300 """;
        const string Order = """ "order":{"OPPORTUNITY":"DESC"},"select":["ID","OPPORTUNITY"] """;

        var whole = await AllPagesAsync(emulator, $$"""{"filter":{{{Rest}}},{{Order}}}""");
        var ranged = await AllPagesAsync(emulator, $$"""{"filter":{">=ID":57,"<ID":211,{{Rest}}},{{Order}}}""");

        var expected = whole.Where(id => int.Parse(id, CultureInfo.InvariantCulture) is >= 57 and < 211).ToList();
        Assert.True(expected.Count > 50, "The range should span more than one page.");
        Assert.Equal(expected, ranged);
    }

    [Fact]
    public async Task CrmList_NewestIdProbe_AnswersTheHighestIdFirst_AndFollowsADeleteOfTheNewest()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 120);
        const string Probe = """{"order":{"ID":"DESC"},"select":["ID"],"start":-1}""";

        var before = await ListAsync(emulator, "crm.deal.list", Probe);
        DeleteDeals(emulator, 120, 119);
        var after = await ListAsync(emulator, "crm.deal.list", Probe);

        Assert.Equal(Range(71, 120).Reverse(), Ids(before.Result));
        Assert.All(before.Result!.AsArray(), row => Assert.Equal(["ID"], row!.AsObject().Select(p => p.Key)));
        Assert.Equal(0, before.Body!["total"]!.GetValue<int>());
        Assert.Null(before.Body["next"]);
        Assert.Equal("118", Ids(after.Result)[0]);
    }

    [Fact]
    public async Task CrmList_DescendingOrderBelowAnId_ReadsTheRangeFromTheTop()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 200);

        var answer = await ListAsync(emulator, "crm.deal.list", """{"order":{"ID":"DESC"},"filter":{"<ID":100},"select":["ID"],"start":-1}""");

        Assert.Equal(Range(50, 99).Reverse(), Ids(answer.Result));
    }

    [Fact]
    public async Task Batch_OfFiftyRangePages_ReadsEveryObjectOnceInIdOrder()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 2_600);
        DeleteDeals(emulator, 1, 50, 51, 2_500, 2_600);
        var seen = new List<string>();

        for (var after = 0; after < 2_600; after += 2_500)
        {
            var cmd = new JsonObject();
            for (var page = 0; page < 50; page++)
            {
                var low = after + (page * 50);
                var query = JsonNode.Parse($$"""{"order":{"ID":"ASC"},"filter":{">ID":{{low}},"<=ID":{{low + 50}}},"select":["ID"],"start":-1}""");
                cmd[$"p{page}"] = "crm.deal.list?" + PhpQuery.Build(query);
            }

            var batch = (await emulator.Client.CallAsync("batch", new JsonObject { ["halt"] = 0, ["cmd"] = cmd }, Ct)).EnsureSuccess();
            var result = batch.Result!;
            Assert.Empty(result["result_error"]!.AsArray());
            Assert.Empty(result["result_next"]!.AsArray());
            Assert.All(result["result_total"]!.AsObject(), total => Assert.Equal(0, total.Value!.GetValue<int>()));
            foreach (var (_, page) in result["result"]!.AsObject())
            {
                seen.AddRange(Ids(page));
            }
        }

        var deleted = new[] { 1, 50, 51, 2_500, 2_600 };
        Assert.Equal(Range(1, 2_600).Where(id => !deleted.Contains(int.Parse(id, CultureInfo.InvariantCulture))), seen);
    }

    [Fact]
    public async Task TaskList_IdRangePage_ReturnsExactlyTheTasksInTheRangeInIdOrder_WithTotal0AndNoNext()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddTasks(emulator, 150);
        emulator.World.CallAsUser(emulator.Portal, "tasks.task.delete", new JsonObject { ["taskId"] = 75 });

        var answer = await ListAsync(emulator, "tasks.task.list", """{"order":{"ID":"asc"},"filter":{">ID":60,"<=ID":110},"select":["ID","TITLE"],"start":-1}""");

        var tasks = answer.Result!["tasks"]!.AsArray();
        Assert.Equal(Range(61, 110).Where(id => id != "75"), tasks.Select(t => t!["id"]!.GetValue<string>()));
        Assert.Equal("Task 61", tasks[0]!["title"]!.GetValue<string>());
        Assert.Equal(0, answer.Body!["total"]!.GetValue<int>());
        Assert.Null(answer.Body["next"]);
    }

    [Fact]
    public async Task TaskList_NewestIdProbe_AnswersTheHighestIdFirst()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddTasks(emulator, 70);
        emulator.World.CallAsUser(emulator.Portal, "tasks.task.delete", new JsonObject { ["taskId"] = 70 });

        var answer = await ListAsync(emulator, "tasks.task.list", """{"order":{"ID":"DESC"},"select":["ID"],"start":-1}""");

        var tasks = answer.Result!["tasks"]!.AsArray();
        Assert.Equal(Range(20, 69).Reverse(), tasks.Select(t => t!["id"]!.GetValue<string>()));
    }

    private static async Task<RestAnswer> ListAsync(EmulatorHarness emulator, string method, string json) =>
        (await emulator.Client.CallAsync(method, JsonNode.Parse(json)!.AsObject(), Ct)).EnsureSuccess();

    /// <summary>Every page of a CRM deal list by offset, following <c>next</c>.</summary>
    private static async Task<List<string>> AllPagesAsync(EmulatorHarness emulator, string json)
    {
        var ids = new List<string>();
        int? start = 0;
        while (start is { } offset)
        {
            var parameters = JsonNode.Parse(json)!.AsObject();
            parameters["start"] = offset;
            var page = await ListAsync(emulator, "crm.deal.list", parameters.ToJsonString());
            ids.AddRange(Ids(page.Result));
            start = page.Body!["next"]?.GetValue<int>();
        }

        return ids;
    }

    private static string[] Ids(JsonNode? page) => [.. page!.AsArray().Select(i => i!["ID"]!.GetValue<string>())];

    private static IEnumerable<string> Range(int first, int last) =>
        Enumerable.Range(first, last - first + 1).Select(i => i.ToString(CultureInfo.InvariantCulture));

    private static void AddDeals(EmulatorHarness emulator, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            AddDeal(emulator, $$"""{"TITLE":"Deal {{i}}"}""");
        }
    }

    private static void AddDeal(EmulatorHarness emulator, string fields) =>
        emulator.World.CallAsUser(emulator.Portal, "crm.deal.add", new JsonObject { ["fields"] = JsonNode.Parse(fields) });

    private static void DeleteDeals(EmulatorHarness emulator, params int[] ids)
    {
        foreach (var id in ids)
        {
            emulator.World.CallAsUser(emulator.Portal, "crm.deal.delete", new JsonObject { ["id"] = id });
        }
    }

    private static void AddTasks(EmulatorHarness emulator, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            emulator.World.CallAsUser(emulator.Portal, "tasks.task.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"Task {i}" } });
        }
    }
}
