using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Hosting;

/// <summary><c>/_emulator/portals/{domain}/userfields</c>: user fields made and deleted by a script, as the field lists then show them.</summary>
public sealed class ControlFieldEndpointTests
{
    private const string Portal = "test.bitrix24.com";

    [Fact]
    public async Task UserFields_CreatedListedAndDeleted_AreWhatTheFieldListsShow()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var created = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/userfields",
            """{"entity":"crm.deal","fieldName":"UF_CRM_REGION","userTypeId":"enumeration","label":"Region","items":["North","South"]}""");
        var plain = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/userfields", """{"entity":"crm.contact","fieldName":"UF_CRM_NICK"}""");
        var listed = await emulator.ControlAsync(HttpMethod.Get, $"portals/{Portal}/userfields?entity=crm.deal");
        var fields = await emulator.ResultAsync("crm.deal.fields", "{}");
        var deleted = await emulator.ControlAsync(HttpMethod.Delete, $"portals/{Portal}/userfields/crm.deal/UF_CRM_REGION");
        var again = await emulator.ControlAsync(HttpMethod.Delete, $"portals/{Portal}/userfields/crm.deal/UF_CRM_REGION");
        var after = await emulator.ResultAsync("crm.deal.fields", "{}");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(("UF_CRM_REGION", "enumeration", "Region"), (created.Body!["field_name"]!.GetValue<string>(), created.Body["user_type_id"]!.GetValue<string>(), created.Body["label"]!.GetValue<string>()));
        Assert.Equal(["North", "South"], created.Body["items"]!.AsArray().Select(i => i!["value"]!.GetValue<string>()));
        Assert.Equal(("string", HttpStatusCode.Created), (plain.Body!["user_type_id"]!.GetValue<string>(), plain.Status));
        Assert.Single(listed.Body!.AsArray());
        Assert.Equal("Region", fields["UF_CRM_REGION"]!["listLabel"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (deleted.Status, again.Status));
        Assert.Null(after["UF_CRM_REGION"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"entity":"crm.deal"}""")]
    [InlineData("""{"entity":"crm.deal","fieldName":"REGION"}""")]
    [InlineData("""{"entity":"crm.quote","fieldName":"UF_CRM_X"}""")]
    [InlineData("""{"entity":"crm.deal","fieldName":"UF_CRM_X","colour":"red"}""")]
    public async Task CreateUserField_WithABadBody_Answers400_AndMakesNoField(string body)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.ControlAsync(HttpMethod.Post, $"portals/{Portal}/userfields", body);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Empty(emulator.Portal.UserFields.Of("crm.deal"));
    }

    [Fact]
    public async Task UserFields_OfAnUnknownPortal_Answer404()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.ControlAsync(HttpMethod.Post, "portals/nowhere.bitrix24.test/userfields", """{"entity":"crm.deal","fieldName":"UF_CRM_X"}""");

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.IsType<JsonObject>(answer.Body);
    }
}
