using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Emulator;

public sealed class BatchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ResultReference_AsWholeValueUsesTheRawValue_AndInsideTextSubstitutesStringsButNotNumbers()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await BatchAsync(emulator, new JsonObject
        {
            ["a"] = "crm.deal.add?fields[TITLE]=Alpha",
            ["b"] = "crm.deal.get?id=$result[a]",
            ["c"] = "crm.deal.add?fields[TITLE]=Copy of $result[b][TITLE] #$result[a]",
            ["d"] = "crm.deal.add?fields=$result[b]",
        });

        var result = answer.Result!["result"]!;
        Assert.Equal(1, result["a"]!.GetValue<int>());
        Assert.Equal("Alpha", result["b"]!["TITLE"]!.GetValue<string>());
        var deals = emulator.Portal.Crm.Snapshot(CrmEntityType.Deal);
        Assert.Equal(["Alpha", "Copy of Alpha #$result[a]", "Alpha"], deals.Select(d => d["TITLE"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ReferenceToARowPastTheEndOfAList_SubstitutesNothing_SoAChainedGreaterThanIdFilterListsFromTheStart()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        for (var i = 0; i < 10; i++)
        {
            emulator.World.CallAsUser(emulator.Portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"Deal {i}" } });
        }

        var answer = await BatchAsync(emulator, new JsonObject
        {
            ["a"] = "crm.deal.list?order[ID]=ASC&select[]=ID&start=-1",
            ["b"] = "crm.deal.list?order[ID]=ASC&filter[>ID]=$result[a][49][ID]&select[]=ID&start=-1",
            ["c"] = "crm.deal.add?fields[TITLE]=After $result[a][49][ID]",
        });

        var result = answer.Result!["result"]!;
        Assert.Equal(10, result["a"]!.AsArray().Count);
        Assert.Equal(
            Enumerable.Range(1, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            result["b"]!.AsArray().Select(d => d!["ID"]!.GetValue<string>()));
        Assert.Equal("After $result[a][49][ID]", emulator.Portal.Crm.Snapshot(CrmEntityType.Deal)[^1]["TITLE"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("1", true)]
    [InlineData("false", true)]
    [InlineData("N", true)]
    [InlineData("Y", true)]
    public async Task Halt_IsCastAsPhpBool(string? halt, bool stops)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var parameters = new JsonObject
        {
            ["cmd"] = new JsonObject { ["bad"] = "crm.deal.get?id=0", ["after"] = "crm.deal.add?fields[TITLE]=After" },
        };
        if (halt is not null)
        {
            parameters["halt"] = halt;
        }

        var answer = (await emulator.Client.CallAsync("batch", parameters, Ct)).EnsureSuccess();

        Assert.True(answer.Result!["result_error"]!.AsObject().ContainsKey("bad"));
        Assert.Equal(!stops, answer.Result!["result"] is JsonObject result && result.ContainsKey("after"));
        Assert.Equal(stops ? 0 : 1, emulator.Portal.Crm.Count(CrmEntityType.Deal));
    }

    [Theory]
    [InlineData("""0""", false)]
    [InlineData("""false""", false)]
    [InlineData("""1""", true)]
    [InlineData("""true""", true)]
    public async Task Halt_AsAJsonNumberOrBoolean_IsCastAsPhpBool(string halt, bool stops)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = (await emulator.Client.CallAsync(
            "batch", $$$"""{"halt":{{{halt}}},"cmd":{"bad":"crm.deal.get?id=0","after":"crm.deal.add?fields[TITLE]=After"}}""")).EnsureSuccess();

        Assert.Equal(stops ? 0 : 1, emulator.Portal.Crm.Count(CrmEntityType.Deal));
        Assert.True(answer.Result!["result_error"]!.AsObject().ContainsKey("bad"));
    }

    [Fact]
    public async Task NonStringCommands_AreNotRunButCountTowardThe50()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var cmd = new JsonObject();
        for (var i = 1; i <= 10; i++)
        {
            cmd[$"nested{i}"] = new JsonObject { ["method"] = "crm.deal.add" };
        }

        for (var i = 1; i <= 45; i++)
        {
            cmd[$"c{i}"] = $"crm.deal.add?fields[TITLE]=D{i}";
        }

        var answer = await BatchAsync(emulator, cmd);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(40, answer.Result!["result"]!.AsObject().Count);
        Assert.Equal(["c41", "c42", "c43", "c44", "c45"], answer.Result!["result_error"]!.AsObject().Select(p => p.Key));
        Assert.DoesNotContain(answer.Result!["result"]!.AsObject(), p => p.Key.StartsWith("nested", StringComparison.Ordinal));
        Assert.Equal(40, emulator.Portal.Crm.Count(CrmEntityType.Deal));
    }

    [Fact]
    public async Task HaltOne_StopsAtTheFirstCommandPastThe50th()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var cmd = new JsonObject();
        for (var i = 1; i <= 53; i++)
        {
            cmd[$"c{i}"] = $"crm.deal.add?fields[TITLE]=D{i}";
        }

        var answer = await BatchAsync(emulator, cmd, halt: 1);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(50, answer.Result!["result"]!.AsObject().Count);
        Assert.Equal(["c51"], answer.Result!["result_error"]!.AsObject().Select(p => p.Key));
        Assert.Equal("ERROR_BATCH_LENGTH_EXCEEDED", answer.Result!["result_error"]!["c51"]!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResultFieldReference_FeedsAFilter()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            emulator.World.CallAsUser(emulator.Portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"Deal {i}" } });
        }

        var answer = await BatchAsync(emulator, new JsonObject
        {
            ["one"] = "crm.deal.get?id=4",
            ["list"] = "crm.deal.list?filter[ID]=$result[one][ID]&select[]=ID&select[]=TITLE",
        });

        var list = answer.Result!["result"]!["list"]!.AsArray();
        Assert.Equal("4", Assert.Single(list)!["ID"]!.GetValue<string>());
        Assert.Equal(1, answer.Result!["result_total"]!["list"]!.GetValue<int>());
    }

    [Fact]
    public async Task HaltZero_ContinuesAfterAFailingCommandAndFilesItsErrorUnderItsKey()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await BatchAsync(emulator, new JsonObject
        {
            ["missing"] = "crm.deal.get?id=999",
            ["added"] = "crm.deal.add?fields[TITLE]=After",
        });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        AssertJson("""{"missing":{"error":"","error_description":"Not found"}}""", answer.Result!["result_error"]);
        Assert.Equal(1, answer.Result!["result"]!["added"]!.GetValue<int>());
        Assert.Equal(1, emulator.Portal.Crm.Count(CrmEntityType.Deal));
    }

    [Fact]
    public async Task HaltOne_StopsAfterTheFirstFailingCommand()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await BatchAsync(
            emulator,
            new JsonObject
            {
                ["first"] = "crm.deal.add?fields[TITLE]=Before",
                ["bad"] = "crm.deal.update?id=0&fields[TITLE]=x",
                ["never"] = "crm.deal.add?fields[TITLE]=After",
            },
            halt: 1);

        Assert.Equal(["first"], answer.Result!["result"]!.AsObject().Select(p => p.Key));
        Assert.Equal("ID is not defined or invalid.", answer.Result!["result_error"]!["bad"]!["error_description"]!.GetValue<string>());
        Assert.False(answer.Result!["result_error"]!.AsObject().ContainsKey("never"));
        Assert.Equal(1, emulator.Portal.Crm.Count(CrmEntityType.Deal));
    }

    [Fact]
    public async Task MoreThan50Commands_ExcessIsNotRunAndGetsLengthExceededWithHttp200()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var cmd = new JsonObject();
        for (var i = 1; i <= 53; i++)
        {
            cmd[$"c{i}"] = $"crm.deal.add?fields[TITLE]=D{i}";
        }

        var answer = await BatchAsync(emulator, cmd);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(50, answer.Result!["result"]!.AsObject().Count);
        Assert.Equal(["c51", "c52", "c53"], answer.Result!["result_error"]!.AsObject().Select(p => p.Key));
        AssertJson("""{"error":"ERROR_BATCH_LENGTH_EXCEEDED","error_description":"Max batch length exceeded"}""", answer.Result!["result_error"]!["c53"]);
        Assert.Equal(50, emulator.Portal.Crm.Count(CrmEntityType.Deal));
    }

    [Fact]
    public async Task NestedBatch_IsRefusedForThatCommand()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await BatchAsync(emulator, new JsonObject { ["inner"] = "batch?cmd[x]=crm.deal.add" });

        Assert.Equal("ERROR_BATCH_METHOD_NOT_ALLOWED", answer.Result!["result_error"]!["inner"]!["error"]!.GetValue<string>());
        Assert.Equal(0, emulator.Portal.Crm.Count(CrmEntityType.Deal));
    }

    [Fact]
    public async Task ListCmd_GivesListShapedSectionsAndEmptySectionsAreEmptyLists()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await BatchAsync(emulator, new JsonArray("crm.deal.add?fields[TITLE]=A", "crm.deal.get?id=$result[0]"));

        var body = answer.Result!;
        Assert.IsType<JsonArray>(body["result"]);
        Assert.Equal(1, body["result"]![0]!.GetValue<int>());
        Assert.Equal("A", body["result"]![1]!["TITLE"]!.GetValue<string>());
        Assert.IsType<JsonArray>(body["result_time"]);
        foreach (var section in new[] { "result_error", "result_total", "result_next" })
        {
            Assert.Equal("[]", body[section]!.ToJsonString());
        }
    }

    [Fact]
    public async Task EmptyCmd_AnswersFiveEmptyLists()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await BatchAsync(emulator, new JsonObject());

        AssertJson("""{"result":[],"result_error":[],"result_total":[],"result_next":[],"result_time":[]}""", answer.Result);
    }

    [Fact]
    public async Task ListCommands_ReportTotalNextAndTimeWithOperating()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        for (var i = 0; i < 60; i++)
        {
            emulator.World.CallAsUser(emulator.Portal, "crm.lead.add", new JsonObject { ["fields"] = new JsonObject() });
        }

        var answer = await BatchAsync(emulator, new JsonObject
        {
            ["page"] = "crm.lead.list?select[]=ID",
            ["next"] = "crm.lead.list?start=$next[page]",
            ["total"] = "crm.lead.list?filter[>ID]=$total[page]",
        });

        var body = answer.Result!;
        Assert.Equal(60, body["result_total"]!["page"]!.GetValue<int>());
        Assert.Equal(50, body["result_next"]!["page"]!.GetValue<int>());
        Assert.Equal(10, body["result"]!["next"]!.AsArray().Count);
        Assert.False(body["result_next"]!.AsObject().ContainsKey("next"));
        Assert.Empty(body["result"]!["total"]!.AsArray());
        Assert.Equal(
            ["start", "finish", "duration", "processing", "date_start", "date_finish", "operating_reset_at", "operating"],
            body["result_time"]!["page"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task FormEncodedBatch_WorksLikeJson()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = (await emulator.Client.CallFormAsync(
            "batch",
            "halt=0&cmd[a]=" + Uri.EscapeDataString("crm.contact.add?fields[NAME]=Eve") + "&cmd[b]=" + Uri.EscapeDataString("crm.contact.get?id=$result[a]"),
            Ct)).EnsureSuccess();

        Assert.Equal("Eve", answer.Result!["result"]!["b"]!["NAME"]!.GetValue<string>());
    }

    [Fact]
    public async Task Batch_CountsAsOneRequestForTheBucketWhileCommandsCountPerMethod()
    {
        var clock = new ManualTimeProvider();
        await using var emulator = await EmulatorHarness.StartAsync(o => o.RateLimit.BurstLimit = 2, clock, rateLimit: true);
        var cmd = new JsonObject();
        for (var i = 0; i < 20; i++)
        {
            cmd[$"a{i}"] = "crm.deal.add?fields[TITLE]=x";
        }

        var first = await BatchAsync(emulator, cmd);
        var second = await BatchAsync(emulator, cmd.DeepClone());
        var level = emulator.Portal.Bucket.Level;
        var third = await BatchAsync(emulator, cmd.DeepClone());

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(2, level);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.Status);
        Assert.Equal("QUERY_LIMIT_EXCEEDED", third.Error);
        Assert.Equal(3, emulator.Portal.Stats.Requests);
        Assert.Equal(40, emulator.Portal.Stats.CallsOf("crm.deal.add"));
        Assert.Equal(2, emulator.Portal.Stats.CallsOf("batch"));
    }

    private static Task<RestAnswer> BatchAsync(EmulatorHarness emulator, JsonNode cmd, int halt = 0) =>
        emulator.Client.CallAsync("batch", new JsonObject { ["halt"] = halt, ["cmd"] = cmd }, Ct);

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}, got {actual?.ToJsonString()}");
}
