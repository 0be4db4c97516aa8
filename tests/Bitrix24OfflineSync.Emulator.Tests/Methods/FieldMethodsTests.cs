using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

/// <summary>
/// The field lists (crm-deal-fields.md, crm-item-fields.md, crm-activity-fields.md, tasks-task-get-fields.md): every
/// field the emulated objects carry, in the documented shape, user fields with their labels and list items; and user
/// fields that an admin adds and deletes while the portal runs.
/// </summary>
public sealed class FieldMethodsTests
{
    [Fact]
    public async Task DealFields_DescribeEveryStandardField_InTheDocumentedShape()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var deal = (await emulator.ResultAsync("crm.deal.fields", "{}")).AsObject();
        var contact = (await emulator.ResultAsync("crm.contact.fields", "{}")).AsObject();

        Assert.Equal("ID", deal.First().Key);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"type":"integer","isRequired":false,"isReadOnly":true,"isImmutable":false,"isMultiple":false,"isDynamic":false,"title":"ID"}"""),
            deal["ID"]), deal["ID"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"type":"crm_status","isRequired":false,"isReadOnly":false,"isImmutable":false,"isMultiple":false,"isDynamic":false,"statusType":"DEAL_STAGE","title":"Stage"}"""),
            deal["STAGE_ID"]), deal["STAGE_ID"]!.ToJsonString());
        Assert.Equal(("double", "date", "char", "crm_category"), (Type(deal, "OPPORTUNITY"), Type(deal, "CLOSEDATE"), Type(deal, "IS_NEW"), Type(deal, "CATEGORY_ID")));
        Assert.DoesNotContain("PHONE", deal.Select(p => p.Key));
        Assert.Equal(("crm_multifield", true), (Type(contact, "PHONE"), contact["PHONE"]!["isMultiple"]!.GetValue<bool>()));
        Assert.Equal("CONTACT_TYPE", contact["TYPE_ID"]!["statusType"]!.GetValue<string>());
    }

    [Fact]
    public async Task AUserFieldAdded_IsDescribedWithItsLabelAndItems_ObjectsCarryIt_AndDeletingItTakesTheValuesAlong()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var portal = emulator.Portal;
        var id = (await emulator.ResultAsync("crm.deal.add", """{"fields":{"TITLE":"before"}}""")).GetValue<long>();

        var items = portal.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_REGION", "enumeration", "Region", Items: ["North", "South"]));
        var fields = await emulator.ResultAsync("crm.deal.fields", "{}");
        var listed = await emulator.ResultAsync("crm.deal.list", """{"filter":{"ID":1},"select":["ID","UF_*"]}""");
        await emulator.ResultAsync("crm.deal.update", $$$"""{"id":{{{id}}},"fields":{"UF_CRM_REGION":"{{{items[1].Id}}}"}}""");
        var set = await emulator.ResultAsync("crm.deal.get", $$$"""{"id":{{{id}}}}""");
        var removed = portal.UserFields.Remove("crm.deal", "UF_CRM_REGION");
        var after = await emulator.ResultAsync("crm.deal.get", $$$"""{"id":{{{id}}}}""");

        Assert.Equal(["North", "South"], items.Select(i => i.Value));
        var region = fields["UF_CRM_REGION"]!;
        Assert.Equal(("enumeration", true, "UF_CRM_REGION", "Region", "Region"),
            (Type(fields, "UF_CRM_REGION"), region["isDynamic"]!.GetValue<bool>(), region["title"]!.GetValue<string>(), region["listLabel"]!.GetValue<string>(), region["formLabel"]!.GetValue<string>()));
        Assert.Equal(items.Select(i => (i.Id, i.Value)), region["items"]!.AsArray().Select(i => (i!["ID"]!.GetValue<string>(), i["VALUE"]!.GetValue<string>())));
        Assert.True(listed[0]!.AsObject().ContainsKey("UF_CRM_REGION"));
        Assert.Equal(items[1].Id, set["UF_CRM_REGION"]!.GetValue<string>());
        Assert.True(removed);
        Assert.False(after.AsObject().ContainsKey("UF_CRM_REGION"));
        Assert.DoesNotContain("UF_CRM_REGION", (await emulator.ResultAsync("crm.deal.fields", "{}")).AsObject().Select(p => p.Key));
        Assert.False(portal.UserFields.Remove("crm.deal", "UF_CRM_REGION"));
        Assert.Throws<ArgumentException>(() => portal.UserFields.Add("crm.deal", new UserFieldDefinition("REGION")));
        Assert.Throws<ArgumentException>(() => portal.UserFields.Add("crm.quote", new UserFieldDefinition("UF_CRM_X")));
    }

    [Fact]
    public async Task ItemFields_DescribeASmartProcessInCamelCase_WithUpperNames_ItsStageList_AndItsUserFields()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var type = emulator.Portal.SmartProcesses.AddType("Orders");
        emulator.Portal.UserFields.Add($"crm.item.{type.EntityTypeId}", new UserFieldDefinition("UF_CRM_5_WEIGHT", "double", "Weight"));

        var camel = (await emulator.ResultAsync("crm.item.fields", $$$"""{"entityTypeId":{{{type.EntityTypeId}}}}"""))["fields"]!;
        var original = (await emulator.ResultAsync("crm.item.fields", $$"""{"entityTypeId":{{type.EntityTypeId}},"useOriginalUfNames":"Y"}"""))["fields"]!;
        var invoices = (await emulator.ResultAsync("crm.item.fields", """{"entityTypeId":31}"""))["fields"]!;
        var deals = (await emulator.ResultAsync("crm.item.fields", """{"entityTypeId":2}"""))["fields"]!;
        var unknown = await emulator.CallAsync("crm.item.fields", """{"entityTypeId":999}""");

        Assert.Equal(("crm_status", $"DYNAMIC_{type.EntityTypeId}_STAGE_{type.DefaultCategoryId}", "STAGE_ID"),
            (camel["stageId"]!["type"]!.GetValue<string>(), camel["stageId"]!["statusType"]!.GetValue<string>(), camel["stageId"]!["upperName"]!.GetValue<string>()));
        Assert.Equal(("Weight", "UF_CRM_5_WEIGHT", true), (camel["ufCrm5Weight"]!["title"]!.GetValue<string>(), camel["ufCrm5Weight"]!["upperName"]!.GetValue<string>(), camel["ufCrm5Weight"]!["isDynamic"]!.GetValue<bool>()));
        Assert.NotNull(original["UF_CRM_5_WEIGHT"]);
        Assert.Equal("SMART_INVOICE_STAGE_1", invoices["stageId"]!["statusType"]!.GetValue<string>());
        Assert.Equal(("STAGE_ID", "DEAL_STAGE"), (deals["stageId"]!["upperName"]!.GetValue<string>(), deals["stageId"]!["statusType"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "NOT_FOUND"), (unknown.Status, unknown.Error));
    }

    [Fact]
    public async Task ActivityAndTaskFields_DescribeTheirFields()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var activity = (await emulator.ResultAsync("crm.activity.fields", "{}")).AsObject();
        var task = (await emulator.ResultAsync("tasks.task.getFields", "{}"))["fields"]!.AsObject();

        Assert.Equal([.. ActivityFields.Standard, ActivityFields.Communications], activity.Select(p => p.Key));
        Assert.Equal(("crm_activity_communication", true), (Type(activity, "COMMUNICATIONS"), activity["COMMUNICATIONS"]!["isMultiple"]!.GetValue<bool>()));
        Assert.Equal(("datetime", "char"), (Type(activity, "START_TIME"), Type(activity, "COMPLETED")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"title":"ID","type":"integer","primary":true}"""), task["ID"]));
        Assert.Equal(("enum", "High"), (Type(task, "PRIORITY"), task["PRIORITY"]!["values"]!["2"]!.GetValue<string>()));
    }

    [Fact]
    public async Task StatusList_AnswersEveryListInOneAnswer_ExtraPipelinesAndSmartProcessStagesIncluded_AndFilters()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        emulator.Portal.Statuses.AddDealCategory(2);
        var type = emulator.Portal.SmartProcesses.AddType("Orders");

        var all = await emulator.CallAsync("crm.status.list", "{}");
        var leads = await emulator.ResultAsync("crm.status.list", """{"filter":{"ENTITY_ID":"STATUS"},"order":{"SORT":"DESC"}}""");

        var rows = all.Result!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(rows.Count, all.Body!["total"]!.GetValue<int>());
        Assert.Null(all.Body["next"]);
        Assert.True(rows.Count > 50);
        var won = rows.Single(r => r["STATUS_ID"]!.GetValue<string>() == "C2:WON");
        Assert.Equal(("DEAL_STAGE_2", "2", "S", "success"), (won["ENTITY_ID"]!.GetValue<string>(), won["CATEGORY_ID"]!.GetValue<string>(), won["SEMANTICS"]!.GetValue<string>(), won["EXTRA"]!["SEMANTICS"]!.GetValue<string>()));
        Assert.Contains(rows, r => r["ENTITY_ID"]!.GetValue<string>() == $"DYNAMIC_{type.EntityTypeId}_STAGE_{type.DefaultCategoryId}" && r["STATUS_ID"]!.GetValue<string>() == type.DefaultStageId);
        Assert.Contains(rows, r => r["ENTITY_ID"]!.GetValue<string>() == "SMART_INVOICE_STAGE_1");
        Assert.Equal(["CONVERTED", "JUNK", "PROCESSED", "IN_PROCESS", "NEW"], leads.AsArray().Select(r => r!["STATUS_ID"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ADealsStage_SetsItsStageGroupAndClosed_AsTheServerKeepsThem()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        emulator.Portal.Statuses.AddDealCategory(2);
        var id = (await emulator.ResultAsync("crm.deal.add", """{"fields":{"TITLE":"x"}}""")).GetValue<long>();

        var open = await emulator.ResultAsync("crm.deal.get", $$$"""{"id":{{{id}}}}""");
        await emulator.ResultAsync("crm.deal.update", $$$"""{"id":{{{id}}},"fields":{"STAGE_ID":"WON"}}""");
        var won = await emulator.ResultAsync("crm.deal.get", $$$"""{"id":{{{id}}}}""");
        await emulator.ResultAsync("crm.deal.update", $$$"""{"id":{{{id}}},"fields":{"STAGE_ID":"C2:LOSE"}}""");
        var lost = await emulator.ResultAsync("crm.deal.get", $$$"""{"id":{{{id}}}}""");

        Assert.Equal(("P", "N"), (open["STAGE_SEMANTIC_ID"]!.GetValue<string>(), open["CLOSED"]!.GetValue<string>()));
        Assert.Equal(("S", "Y"), (won["STAGE_SEMANTIC_ID"]!.GetValue<string>(), won["CLOSED"]!.GetValue<string>()));
        Assert.Equal(("F", "Y"), (lost["STAGE_SEMANTIC_ID"]!.GetValue<string>(), lost["CLOSED"]!.GetValue<string>()));
    }

    private static string Type(JsonNode fields, string field) => fields[field]!["type"]!.GetValue<string>();
}
