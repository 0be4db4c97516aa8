using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

/// <summary>
/// The classic entities through the universal API (bitrix24-api.md §13; object-fields.md): lead 1, deal 2, contact 3,
/// company 4 answer the rows <c>crm.deal.*</c> serves, in camelCase, with IDs and amounts as numbers.
/// </summary>
public sealed class CrmItemClassicTests
{
    [Fact]
    public async Task Get_OfADeal_AnswersTheClassicRowInCamelCase()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        await emulator.ResultAsync("crm.deal.add", """{"fields":{"TITLE":"Big one","OPPORTUNITY":"1500.5","STAGE_ID":"PREPARATION","UF_CRM_1721244707107":"x"}}""");
        var classic = await emulator.ResultAsync("crm.deal.get", """{"id":1}""");

        var item = (await emulator.ResultAsync("crm.item.get", """{"entityTypeId":2,"id":1}"""))["item"]!;

        Assert.Equal(1, item["id"]!.GetValue<long>());
        Assert.Equal("Big one", item["title"]!.GetValue<string>());
        Assert.Equal("PREPARATION", item["stageId"]!.GetValue<string>());
        Assert.Equal(1500.5, item["opportunity"]!.GetValue<double>());
        Assert.Equal(1, item["assignedById"]!.GetValue<long>());
        Assert.Equal(1, item["createdBy"]!.GetValue<long>());
        Assert.Equal(classic["DATE_CREATE"]!.GetValue<string>(), item["createdTime"]!.GetValue<string>());
        Assert.Equal(classic["DATE_MODIFY"]!.GetValue<string>(), item["updatedTime"]!.GetValue<string>());
        Assert.Equal("x", item["ufCrm_1721244707107"]!.GetValue<string>());
        Assert.Equal(2, item["entityTypeId"]!.GetValue<int>());
    }

    [Fact]
    public async Task List_OfLeadsContactsAndCompanies_AnswersTheirOwnNames()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        await emulator.ResultAsync("crm.lead.add", """{"fields":{"TITLE":"Lead","STATUS_ID":"IN_PROCESS"}}""");
        emulator.AddContact("Ann");
        await emulator.ResultAsync("crm.company.add", """{"fields":{"TITLE":"Acme","COMPANY_TYPE":"PARTNER"}}""");

        var lead = (await emulator.ResultAsync("crm.item.list", """{"entityTypeId":1,"filter":{"stageId":"IN_PROCESS"}}"""))["items"]![0]!;
        var contact = (await emulator.ResultAsync("crm.item.list", """{"entityTypeId":3}"""))["items"]![0]!;
        var company = (await emulator.ResultAsync("crm.item.list", """{"entityTypeId":4,"select":["typeId"]}"""))["items"]![0]!.AsObject();

        Assert.Equal("IN_PROCESS", lead["stageId"]!.GetValue<string>());
        Assert.Equal("Ann", contact["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"id":1,"valueType":"WORK","value":"+15550001","typeId":"PHONE"}]"""), contact["fm"]));
        Assert.Equal(["id", "typeId"], company.Select(p => p.Key));
        Assert.Equal("PARTNER", company["typeId"]!.GetValue<string>());
    }

    [Fact]
    public async Task AddUpdateDelete_OfADeal_ChangeTheClassicRow()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var added = (await emulator.ResultAsync("crm.item.add", """{"entityTypeId":2,"fields":{"title":"Via items","opportunity":10}}"""))["item"]!;
        await emulator.ResultAsync("crm.item.update", """{"entityTypeId":2,"id":1,"fields":{"stageId":"WON"}}""");
        var classic = await emulator.ResultAsync("crm.deal.get", """{"id":1}""");
        var deleted = await emulator.ResultAsync("crm.item.delete", """{"entityTypeId":2,"id":1}""");

        Assert.Equal("Via items", added["title"]!.GetValue<string>());
        Assert.Equal(("Via items", "WON", "10.00"), (classic["TITLE"]!.GetValue<string>(), classic["STAGE_ID"]!.GetValue<string>(), classic["OPPORTUNITY"]!.GetValue<string>()));
        Assert.Empty(deleted.AsArray());
        Assert.Equal(0, emulator.Portal.Crm.Count(Crm.CrmEntityType.Deal));
    }

    [Fact]
    public async Task List_KeysetPageOverDeals_ReadsTheRangeByKey()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        emulator.World.Seed(emulator.Portal, "crm.deal", 300);

        var page = await emulator.CallAsync("crm.item.list", """{"entityTypeId":2,"order":{"id":"ASC"},"filter":{">id":200,"<=id":260},"select":["id"],"start":-1}""");

        Assert.Equal(ItemKit.Range(201, 250), ItemKit.ItemIds(page.Result!));
        Assert.Null(page.Body!["next"]);
    }
}
