using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Rest;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

public sealed class CrmMethodsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("deal")]
    [InlineData("contact")]
    [InlineData("company")]
    [InlineData("lead")]
    public async Task AddGetUpdateDelete_RoundTripEachEntityAndTheDeletedOneIsNotFound(string entity)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var client = emulator.Client;

        var added = (await client.CallAsync($"crm.{entity}.add", Json("""{"fields":{"COMMENTS":"first"}}"""), Ct)).EnsureSuccess();
        var id = added.Result!.GetValue<int>();
        var got = (await client.CallAsync($"crm.{entity}.get", Json($$"""{"id":{{id}}}"""), Ct)).EnsureSuccess().Result!;
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), got["ID"]!.GetValue<string>());
        Assert.Equal("first", got["COMMENTS"]!.GetValue<string>());
        Assert.Equal("1", got["CREATED_BY_ID"]!.GetValue<string>());
        Assert.Equal(got["DATE_CREATE"]!.GetValue<string>(), got["DATE_MODIFY"]!.GetValue<string>());

        var updated = (await client.CallAsync($"crm.{entity}.update", Json($$$"""{"id":"{{{id}}}","fields":{"COMMENTS":"second"}}"""), Ct)).EnsureSuccess();
        Assert.True(updated.Result!.GetValue<bool>());
        got = (await client.CallAsync($"crm.{entity}.get", Json($$"""{"id":{{id}}}"""), Ct)).EnsureSuccess().Result!;
        Assert.Equal("second", got["COMMENTS"]!.GetValue<string>());

        var deleted = (await client.CallAsync($"crm.{entity}.delete", Json($$"""{"id":{{id}}}"""), Ct)).EnsureSuccess();
        Assert.True(deleted.Result!.GetValue<bool>());
        var gone = await client.CallAsync($"crm.{entity}.get", Json($$"""{"id":{{id}}}"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, gone.Status);
        Assert.Equal("", gone.Error);
        Assert.Equal("Not found", gone.ErrorDescription);
    }

    [Fact]
    public async Task Add_FillsServerFieldsAndEntityDefaults()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var deal = await AddAndGetAsync(emulator, "deal", """{"OPPORTUNITY":150}""");
        var lead = await AddAndGetAsync(emulator, "lead", "{}");
        var contact = await AddAndGetAsync(emulator, "contact", "{}");

        Assert.Equal("Deal #1", deal["TITLE"]!.GetValue<string>());
        Assert.Equal("NEW", deal["STAGE_ID"]!.GetValue<string>());
        Assert.Equal("150.00", deal["OPPORTUNITY"]!.GetValue<string>());
        Assert.Equal("USD", deal["CURRENCY_ID"]!.GetValue<string>());
        Assert.Equal("NEW", lead["STATUS_ID"]!.GetValue<string>());
        Assert.Equal("Lead #1", lead["TITLE"]!.GetValue<string>());
        Assert.Equal("Untitled", contact["NAME"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$", deal["DATE_CREATE"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_CannotOverwriteServerMaintainedFields()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        await AddAndGetAsync(emulator, "deal", "{}");

        (await emulator.Client.CallAsync("crm.deal.update", Json("""{"id":1,"fields":{"ID":"99","CREATED_BY_ID":"7","DATE_CREATE":"2000-01-01T00:00:00+00:00"}}"""), Ct)).EnsureSuccess();

        var deal = emulator.Portal.Crm.Snapshot(CrmEntityType.Deal).Single();
        Assert.Equal("1", deal["ID"]!.GetValue<string>());
        Assert.Equal("1", deal["CREATED_BY_ID"]!.GetValue<string>());
        Assert.NotEqual("2000-01-01T00:00:00+00:00", deal["DATE_CREATE"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("crm.deal.get", """{}""")]
    [InlineData("crm.deal.get", """{"id":"abc"}""")]
    [InlineData("crm.contact.update", """{"id":0,"fields":{}}""")]
    [InlineData("crm.lead.delete", """{"id":-3}""")]
    public async Task MissingOrInvalidId_Answers400WithEmptyCodeAndIdNotDefined(string method, string parameters)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.Client.CallAsync(method, Json(parameters), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("", answer.Error);
        Assert.Equal("ID is not defined or invalid.", answer.ErrorDescription);
    }

    [Theory]
    [InlineData("crm.deal.update", """{"id":5,"fields":{"TITLE":"x"}}""")]
    [InlineData("crm.company.delete", """{"id":5}""")]
    public async Task UnknownId_OnUpdateAndDelete_AnswersNotFound(string method, string parameters)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.Client.CallAsync(method, Json(parameters), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("", answer.Error);
        Assert.Equal("Not found", answer.ErrorDescription);
    }

    [Fact]
    public async Task List_FilterByIdArray_MeansIn()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 6);

        var answer = (await emulator.Client.CallAsync("crm.deal.list", Json("""{"filter":{"ID":[2,"4",6]}}"""), Ct)).EnsureSuccess();

        Assert.Equal(["2", "4", "6"], Ids(answer));
        Assert.Equal(3, answer.Body!["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(""">ID""", "3", new[] { "4", "5", "6", "10" })]
    [InlineData(""">=ID""", "5", new[] { "5", "6", "10" })]
    [InlineData("""<ID""", "3", new[] { "1", "2" })]
    [InlineData("""<=ID""", "2", new[] { "1", "2" })]
    [InlineData("""!ID""", "2", new[] { "1", "3", "4", "5", "6", "10" })]
    [InlineData("""=ID""", "10", new[] { "10" })]
    [InlineData("""%TITLE""", "deal 1", new[] { "1", "10" })]
    [InlineData("""TITLE""", "DEAL 5", new[] { "5" })]
    public async Task List_FilterOperators_CompareIdsAsNumbersAndTextCaseInsensitively(string key, string value, string[] expected)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 10);
        foreach (var id in new[] { 7, 8, 9 })
        {
            emulator.World.CallAsUser(emulator.Portal, "crm.deal.delete", Json($$"""{"id":{{id}}}"""));
        }

        var answer = (await emulator.Client.CallAsync("crm.deal.list", new JsonObject { ["filter"] = new JsonObject { [key] = value } }, Ct)).EnsureSuccess();

        Assert.Equal(expected, Ids(answer));
    }

    [Fact]
    public async Task List_FilterWithAtOperatorAndNegatedList_AreInAndNotIn()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 5);

        var @in = (await emulator.Client.CallAsync("crm.deal.list", Json("""{"filter":{"@ID":["1","5"]}}"""), Ct)).EnsureSuccess();
        var notIn = (await emulator.Client.CallAsync("crm.deal.list", Json("""{"filter":{"!ID":["1","5"],">OPPORTUNITY":"200"}}"""), Ct)).EnsureSuccess();

        Assert.Equal(["1", "5"], Ids(@in));
        Assert.Equal(["3", "4"], Ids(notIn));
    }

    [Fact]
    public async Task List_WithoutSelect_GivesStandardAndUserFields_AndStarGivesStandardOnly_NeitherMultiFields()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        await AddContactWithExtrasAsync(emulator);

        var byDefault = (await emulator.Client.CallAsync("crm.contact.list", [], Ct)).EnsureSuccess().Result![0]!.AsObject();
        var emptySelect = (await emulator.Client.CallAsync("crm.contact.list", Json("""{"select":[]}"""), Ct)).EnsureSuccess().Result![0]!.AsObject();
        var star = (await emulator.Client.CallAsync("crm.contact.list", Json("""{"select":["*"]}"""), Ct)).EnsureSuccess().Result![0]!.AsObject();

        foreach (var item in new[] { byDefault, emptySelect, star })
        {
            Assert.Equal("Ann", item["NAME"]!.GetValue<string>());
            Assert.Equal("Y", item["HAS_PHONE"]!.GetValue<string>());
            Assert.False(item.ContainsKey("PHONE"));
            Assert.False(item.ContainsKey("EMAIL"));
        }

        Assert.Equal("red", byDefault["UF_CRM_COLOR"]!.GetValue<string>());
        Assert.Equal("red", emptySelect["UF_CRM_COLOR"]!.GetValue<string>());
        Assert.False(star.ContainsKey("UF_CRM_COLOR"));
    }

    [Fact]
    public async Task List_Select_UserFieldsAndMultiFieldsOnlyWhenAskedAndIdAlways()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        await AddContactWithExtrasAsync(emulator);

        var withUf = (await emulator.Client.CallAsync("crm.contact.list", Json("""{"select":["*","UF_*"]}"""), Ct)).EnsureSuccess().Result![0]!.AsObject();
        var onlyUf = (await emulator.Client.CallAsync("crm.contact.list", Json("""{"select":["UF_*"]}"""), Ct)).EnsureSuccess().Result![0]!.AsObject();
        var phone = (await emulator.Client.CallAsync("crm.contact.list", Json("""{"select":["PHONE","LAST_NAME"]}"""), Ct)).EnsureSuccess().Result![0]!.AsObject();

        Assert.Equal("red", withUf["UF_CRM_COLOR"]!.GetValue<string>());
        Assert.Equal("Ann", withUf["NAME"]!.GetValue<string>());
        Assert.False(withUf.ContainsKey("PHONE"));
        Assert.Equal(["ID", "UF_CRM_COLOR"], onlyUf.Select(p => p.Key));
        Assert.Equal(["ID", "LAST_NAME", "PHONE"], phone.Select(p => p.Key));
        AssertJson("""[{"ID":"1","VALUE_TYPE":"WORK","VALUE":"+15550001","TYPE_ID":"PHONE"}]""", phone["PHONE"]!);
    }

    [Fact]
    public async Task Get_ReturnsUserFieldsAndPresentMultiFields()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        await AddContactWithExtrasAsync(emulator);

        var contact = (await emulator.Client.CallAsync("crm.contact.get", Json("""{"id":1}"""), Ct)).EnsureSuccess().Result!.AsObject();

        Assert.Equal("red", contact["UF_CRM_COLOR"]!.GetValue<string>());
        Assert.Equal("+15550001", contact["PHONE"]![0]!["VALUE"]!.GetValue<string>());
        Assert.Equal("HOME", contact["EMAIL"]![0]!["VALUE_TYPE"]!.GetValue<string>());
        Assert.Equal("EMAIL", contact["EMAIL"]![0]!["TYPE_ID"]!.GetValue<string>());
        Assert.False(contact.ContainsKey("WEB"));
    }

    [Fact]
    public async Task Update_MultiField_ChangesByIdAddsWithoutIdAndRemovesOnEmptyValue()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        await AddContactWithExtrasAsync(emulator);

        (await emulator.Client.CallAsync(
            "crm.contact.update",
            Json("""{"id":1,"fields":{"PHONE":[{"ID":"1","VALUE":"+1999"},{"VALUE":"+1777","VALUE_TYPE":"MOBILE"}],"EMAIL":[{"ID":"2","VALUE":""}]}}"""),
            Ct)).EnsureSuccess();

        var contact = emulator.Portal.Crm.Snapshot(CrmEntityType.Contact).Single();
        AssertJson("""[{"ID":"1","VALUE_TYPE":"WORK","VALUE":"+1999","TYPE_ID":"PHONE"},{"ID":"3","VALUE_TYPE":"MOBILE","VALUE":"+1777","TYPE_ID":"PHONE"}]""", contact["PHONE"]!);
        Assert.False(contact.ContainsKey("EMAIL"));
        Assert.Equal("N", contact["HAS_EMAIL"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deal_HasNoMultiFields()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var deal = await AddAndGetAsync(emulator, "deal", """{"PHONE":[{"VALUE":"+1555"}]}""");

        Assert.False(deal.ContainsKey("PHONE"));
    }

    [Fact]
    public async Task List_OrderByAnyFieldAscendingOrDescending()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 4);

        var desc = (await emulator.Client.CallAsync("crm.deal.list", Json("""{"order":{"ID":"DESC"}}"""), Ct)).EnsureSuccess();
        var byOpportunity = (await emulator.Client.CallAsync("crm.deal.list", Json("""{"order":{"OPPORTUNITY":"desc"},"select":["ID"]}"""), Ct)).EnsureSuccess();
        var byDefault = (await emulator.Client.CallAsync("crm.deal.list", [], Ct)).EnsureSuccess();

        Assert.Equal(["4", "3", "2", "1"], Ids(desc));
        Assert.Equal(["4", "3", "2", "1"], Ids(byOpportunity));
        Assert.Equal(["1", "2", "3", "4"], Ids(byDefault));
    }

    [Fact]
    public async Task List_Pages120ObjectsBy50WithNextAndTotal()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 120);

        var first = (await emulator.Client.CallAsync("crm.deal.list", [], Ct)).EnsureSuccess();
        var second = (await emulator.Client.CallAsync("crm.deal.list", Json("""{"start":50}"""), Ct)).EnsureSuccess();
        var last = (await emulator.Client.CallAsync("crm.deal.list", Json("""{"start":100}"""), Ct)).EnsureSuccess();

        Assert.Equal(50, first.Result!.AsArray().Count);
        Assert.Equal(50, first.Body!["next"]!.GetValue<int>());
        Assert.Equal(120, first.Body!["total"]!.GetValue<int>());
        Assert.Equal("51", second.Result![0]!["ID"]!.GetValue<string>());
        Assert.Equal(100, second.Body!["next"]!.GetValue<int>());
        Assert.Equal(20, last.Result!.AsArray().Count);
        Assert.Null(last.Body!["next"]);
        Assert.Equal(120, last.Body!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task FormBody_WithPhpKeys_WorksLikeJson()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddDeals(emulator, 3);

        var added = (await emulator.Client.CallFormAsync(
            "crm.contact.add",
            "fields[NAME]=Bob&fields[UF_CRM_TAGS][]=a&fields[UF_CRM_TAGS][]=b&fields[PHONE][0][VALUE]=%2B1555&fields[PHONE][0][VALUE_TYPE]=MOBILE",
            Ct)).EnsureSuccess();
        var listed = (await emulator.Client.CallFormAsync(
            "crm.deal.list", "filter[ID][0]=1&filter[ID][1]=3&order[ID]=DESC&select[0]=ID&select[1]=TITLE", Ct)).EnsureSuccess();
        var contact = (await emulator.Client.CallFormAsync("crm.contact.get", "id=" + added.Result!.GetValue<int>(), Ct)).EnsureSuccess().Result!;

        Assert.Equal(["3", "1"], Ids(listed));
        Assert.Equal(["ID", "TITLE"], listed.Result![0]!.AsObject().Select(p => p.Key));
        Assert.Equal("Bob", contact["NAME"]!.GetValue<string>());
        Assert.Equal("""["a","b"]""", contact["UF_CRM_TAGS"]!.ToJsonString());
        AssertJson("""[{"ID":"1","VALUE_TYPE":"MOBILE","VALUE":"+1555","TYPE_ID":"PHONE"}]""", contact["PHONE"]!);
    }

    [Theory]
    [InlineData("deal", "ONCRMDEAL")]
    [InlineData("contact", "ONCRMCONTACT")]
    [InlineData("company", "ONCRMCOMPANY")]
    [InlineData("lead", "ONCRMLEAD")]
    public async Task Changes_RaiseAddUpdateDeleteEventsWithNumericId(string entity, string prefix)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var hit = new HitContext(emulator.World, emulator.Portal, Caller.PortalUser());

        emulator.World.Invoker.Invoke(hit, $"crm.{entity}.add", Json("""{"fields":{}}"""), inBatch: false);
        emulator.World.Invoker.Invoke(hit, $"crm.{entity}.update", Json("""{"id":1,"fields":{"COMMENTS":"x"}}"""), inBatch: false);
        emulator.World.Invoker.Invoke(hit, $"crm.{entity}.delete", Json("""{"id":"1"}"""), inBatch: false);

        Assert.Equal([prefix + "ADD", prefix + "UPDATE", prefix + "DELETE"], hit.Events.Select(e => e.Name));
        foreach (var raised in hit.Events)
        {
            Assert.Equal("""{"FIELDS":{"ID":1}}""", raised.Data.ToJsonString());
            Assert.Equal(JsonValueKind.Number, raised.Data["FIELDS"]!["ID"]!.GetValueKind());
        }
    }

    [Fact]
    public async Task FailedChange_RaisesNoEvent()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var hit = new HitContext(emulator.World, emulator.Portal, Caller.PortalUser());

        Assert.Throws<RestException>(() => emulator.World.Invoker.Invoke(hit, "crm.deal.update", Json("""{"id":3,"fields":{}}"""), inBatch: false));

        Assert.Empty(hit.Events);
    }

    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}, got {actual?.ToJsonString()}");

    private static string[] Ids(RestAnswer answer) => [.. answer.Result!.AsArray().Select(i => i!["ID"]!.GetValue<string>())];

    private static void AddDeals(EmulatorHarness emulator, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            emulator.World.CallAsUser(emulator.Portal, "crm.deal.add", Json($$$"""{"fields":{"TITLE":"Deal {{{i}}}","OPPORTUNITY":{{{i * 100}}}}}"""));
        }
    }

    private static async Task<JsonObject> AddAndGetAsync(EmulatorHarness emulator, string entity, string fields)
    {
        var id = (await emulator.Client.CallAsync($"crm.{entity}.add", Json($$$"""{"fields":{{{fields}}}}"""), Ct)).EnsureSuccess().Result!.GetValue<int>();
        return (await emulator.Client.CallAsync($"crm.{entity}.get", Json($$"""{"id":{{id}}}"""), Ct)).EnsureSuccess().Result!.AsObject();
    }

    private static async Task AddContactWithExtrasAsync(EmulatorHarness emulator) =>
        (await emulator.Client.CallAsync(
            "crm.contact.add",
            Json("""{"fields":{"NAME":"Ann","UF_CRM_COLOR":"red","PHONE":[{"VALUE":"+15550001","VALUE_TYPE":"WORK"}],"EMAIL":[{"VALUE":"ann@example.com","VALUE_TYPE":"HOME"}]}}"""),
            Ct)).EnsureSuccess();
}
