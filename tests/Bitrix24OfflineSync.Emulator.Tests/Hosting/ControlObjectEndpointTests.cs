using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Hosting;

/// <summary><c>/_emulator/portals/{domain}/seed</c> and <c>/call-silently</c>: objects and changes no app heard of, for a script driving a running emulator.</summary>
public sealed class ControlObjectEndpointTests
{
    private const string Portal = "test.bitrix24.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Seed_CreatesTheObjectsAndAnswersTheirIds_AndQueuesNoRow()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync("ONCRMCONTACTADD");
        emulator.World.CallAsUser(emulator.Portal, "crm.contact.add", new JsonObject { ["fields"] = new JsonObject { ["NAME"] = "Before" } });
        await emulator.WrittenAsync();

        var answer = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/seed", """{"entity":"crm.contact","count":250,"seed":4}""");
        await emulator.WrittenAsync();

        Assert.Equal(HttpStatusCode.Created, answer.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"entity":"crm.contact","count":250,"first_id":2,"last_id":251}"""), answer.Body), answer.Body?.ToJsonString());
        Assert.Equal(251, emulator.Portal.Crm.Count(CrmEntityType.Contact));
        Assert.Equal(1, emulator.Portal.Queue.Count);
    }

    [Fact]
    public async Task CallSilently_ChangesTheObjectWithoutARow_AndAnswersAsRestWould()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync("ONCRMDEALUPDATE");
        emulator.World.Seed(emulator.Portal, "crm.deal", 60);

        var update = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/call-silently", """{"method":"crm.deal.update","parameters":{"id":3,"fields":{"TITLE":"Quiet"}},"userId":2}""");
        var list = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/call-silently", """{"method":"CRM.DEAL.LIST","parameters":{"select":["ID","TITLE"],"filter":{"TITLE":"Quiet"}}}""");
        await emulator.WrittenAsync();

        Assert.Equal(HttpStatusCode.OK, update.Status);
        Assert.True(update.Body!["result"]!.GetValue<bool>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"result":[{"ID":"3","TITLE":"Quiet"}],"total":1}"""), list.Body), list.Body?.ToJsonString());
        var deal = (await emulator.Client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 3 }, Ct)).EnsureSuccess().Result!;
        Assert.Equal("2", deal["MODIFY_BY_ID"]!.GetValue<string>());
        Assert.Equal(0, emulator.Portal.Queue.Count);
    }

    [Fact]
    public async Task CallSilently_WhenTheMethodFails_AnswersItsStatusCodeAndDescriptionAsAProblem()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/call-silently", """{"method":"crm.deal.delete","parameters":{"id":999}}""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal("Not found", answer.Body!["detail"]!.GetValue<string>());
        Assert.Equal("", answer.Body["error"]!.GetValue<string>());
        Assert.Equal("Not found", answer.Body["error_description"]!.GetValue<string>());
        Assert.Contains("crm.deal.delete", answer.Body["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("seed", "")]
    [InlineData("seed", "{}")]
    [InlineData("seed", """{"entity":"crm.deal"}""")]
    [InlineData("seed", """{"count":10}""")]
    [InlineData("seed", """{"entity":"crm.invoice","count":10}""")]
    [InlineData("seed", """{"entity":"crm.deal","count":0}""")]
    [InlineData("seed", """{"entity":"crm.deal","count":1000001}""")]
    [InlineData("seed", """{"entity":"crm.deal","count":"many"}""")]
    [InlineData("seed", """{"entity":"crm.deal","count":10,"objects":5}""")]
    [InlineData("call-silently", "{}")]
    [InlineData("call-silently", """{"method":"crm.nothing.update"}""")]
    [InlineData("call-silently", """{"method":"crm.deal.add","parameters":[{"TITLE":"x"}]}""")]
    [InlineData("call-silently", """{"method":"crm.deal.add","parameters":{"fields":{"TITLE":"x"}},"userId":0}""")]
    [InlineData("call-silently", """{"method":"crm.deal.add","params":{"fields":{"TITLE":"x"}}}""")]
    public async Task BadBodyOrValue_Answers400ProblemDetailsThatSayWhy_AndChangesNothing(string path, string body)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/{path}", body);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.False(string.IsNullOrEmpty(answer.Body!["detail"]!.GetValue<string>()));
        Assert.Equal(0, emulator.Portal.Crm.Count(CrmEntityType.Deal));
    }

    [Theory]
    [InlineData("seed", """{"entity":"crm.deal","count":1}""")]
    [InlineData("call-silently", """{"method":"crm.deal.list"}""")]
    public async Task UnknownPortal_Answers404ProblemDetails(string path, string body)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.ControlAsync(HttpMethod.Post, $"portals/nowhere.bitrix24.com/{path}", body);

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Contains("nowhere.bitrix24.com", answer.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
