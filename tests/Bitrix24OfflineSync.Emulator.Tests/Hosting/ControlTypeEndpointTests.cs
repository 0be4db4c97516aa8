using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Hosting;

/// <summary>
/// <c>/_emulator/portals/{domain}/types</c>: smart-process types made and deleted by a script, and the seed and
/// generator endpoints on their items and on activities.
/// </summary>
public sealed class ControlTypeEndpointTests
{
    private const string Portal = "test.bitrix24.com";

    [Fact]
    public async Task Types_CreatedListedAndDeleted_AreWhatCrmTypeListShows()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var orders = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/types", """{"title":"Orders"}""");
        var small = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/types", """{"title":"Small","entityTypeId":140}""");
        emulator.AddItems(1030, 2);
        var listed = await emulator.ControlAsync(HttpMethod.Get, $"portals/{Portal}/types");
        var deleted = await emulator.ControlAsync(HttpMethod.Delete, $"portals/{Portal}/types/1030");
        var again = await emulator.ControlAsync(HttpMethod.Delete, $"portals/{Portal}/types/1030");
        var types = await emulator.ResultAsync("crm.type.list", "{}");

        Assert.Equal(HttpStatusCode.Created, orders.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id":2,"entity_type_id":1030,"title":"Orders","item_count":0}"""), orders.Body), orders.Body?.ToJsonString());
        Assert.Equal(140, small.Body!["entity_type_id"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"id":3,"entity_type_id":140,"title":"Small","item_count":0},{"id":2,"entity_type_id":1030,"title":"Orders","item_count":2}]"""),
            listed.Body), listed.Body?.ToJsonString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Equal([140], types["types"]!.AsArray().Select(t => t!["entityTypeId"]!.GetValue<int>()));
        Assert.Equal(0, emulator.Portal.SmartProcesses.Count(1030));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"title":"  "}""")]
    [InlineData("""{"title":"X","entityTypeId":1031}""")]
    [InlineData("""{"title":"X","entityTypeId":31}""")]
    [InlineData("""{"title":"X","entityTypeId":"many"}""")]
    [InlineData("""{"title":"X","color":"red"}""")]
    public async Task CreateType_WithABadBody_Answers400ProblemDetailsThatSayWhy_AndMakesNoType(string body)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/types", body);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.False(string.IsNullOrEmpty(answer.Body!["detail"]!.GetValue<string>()));
        Assert.Empty(emulator.Portal.SmartProcesses.Types);
    }

    [Theory]
    [InlineData("POST", "types", """{"title":"Again","entityTypeId":1030}""", HttpStatusCode.Conflict)]
    [InlineData("DELETE", "types/abc", null, HttpStatusCode.BadRequest)]
    [InlineData("DELETE", "types/31", null, HttpStatusCode.BadRequest)]
    [InlineData("DELETE", "types/4242", null, HttpStatusCode.NotFound)]
    public async Task TypeEndpoints_RefuseATakenIdABadIdTheInvoicesAndAMissingType(string method, string path, string? body, HttpStatusCode status)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        emulator.AddType();

        var answer = await emulator.ControlAsync(new HttpMethod(method), $"portals/{Portal}/{path}", body);

        Assert.Equal(status, answer.Status);
        Assert.False(string.IsNullOrEmpty(answer.Body!["detail"]!.GetValue<string>()));
        Assert.Single(emulator.Portal.SmartProcesses.Types);
    }

    [Fact]
    public async Task TypeEndpoints_OfAnUnknownPortal_Answer404()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.ControlAsync(HttpMethod.Get, "portals/nowhere.bitrix24.com/types");

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
    }

    [Fact]
    public async Task Seed_OfItemsAndActivities_CreatesThem_AndRefusesATypeThePortalLacksOrActivitiesWithNothingToBindTo()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var type = emulator.AddType();

        var noOwners = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/seed", """{"entity":"crm.activity","count":5}""");
        var items = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/seed", $$"""{"entity":"crm.item.{{type}}","count":40}""");
        await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/seed", """{"entity":"crm.deal","count":5}""");
        var activities = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/seed", """{"entity":"crm.activity","count":15}""");
        var noType = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/seed", """{"entity":"crm.item.4242","count":5}""");

        Assert.Equal(HttpStatusCode.BadRequest, noOwners.Status);
        Assert.Contains("bind activities to", noOwners.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"entity":"crm.item.{{type}}","count":40,"first_id":1,"last_id":40}"""), items.Body), items.Body?.ToJsonString());
        Assert.Equal(15, activities.Body!["count"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, noType.Status);
        Assert.Contains("4242", noType.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((40, 15), (emulator.Portal.SmartProcesses.Count(type), emulator.Portal.Activities.Count));
    }

    [Fact]
    public async Task GeneratorStart_OnAnItemTypeThePortalLacks_Answers400AndStartsNothing()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/generator/start", """{"entities":["crm.item.4242"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("4242", answer.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/generator/stop")).Status);
    }
}
