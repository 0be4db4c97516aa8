using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

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
        var clock = new FakeTimeProvider(TestClock.Start);
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
