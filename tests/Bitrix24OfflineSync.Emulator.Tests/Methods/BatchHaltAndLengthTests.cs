using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

/// <summary>Which commands of a batch run: <c>halt</c> as PHP casts it, and the 50-command limit (bitrix24-api.md §9).</summary>
public sealed class BatchHaltAndLengthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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

    private static Task<RestAnswer> BatchAsync(EmulatorHarness emulator, JsonNode cmd, int halt = 0) =>
        emulator.Client.CallAsync("batch", new JsonObject { ["halt"] = halt, ["cmd"] = cmd }, Ct);

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}, got {actual?.ToJsonString()}");
}
