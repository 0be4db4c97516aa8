using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

/// <summary>
/// <c>crm.item.*</c> on smart processes and invoices (bitrix24-api.md §13; crm-item-add/get/update/delete.md): camelCase,
/// typed values, <c>{"item":{…}}</c> answers, <c>[]</c> for a delete, and the universal API's NOT_FOUND errors.
/// </summary>
public sealed class CrmItemMethodsTests
{
    [Fact]
    public async Task AddGetUpdateDelete_RoundTripASmartProcessItemInCamelCase_AndTheDeletedOneIsItemNotFound()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await EmulatorHarness.StartAsync(time: time);
        var type = emulator.AddType("Orders");

        var added = await emulator.ResultAsync("crm.item.add", $$$"""{"entityTypeId":{{{type}}},"fields":{"opportunity":"150.5","xmlId":"ext-1"}}""");
        time.Advance(TimeSpan.FromMinutes(5));
        var updated = await emulator.ResultAsync("crm.item.update", $$$"""{"entityTypeId":{{{type}}},"id":1,"fields":{"title":"Renamed"}}""");
        var got = await emulator.ResultAsync("crm.item.get", $$"""{"entityTypeId":{{type}},"id":1}""");
        var deleted = await emulator.ResultAsync("crm.item.delete", $$"""{"entityTypeId":{{type}},"id":1}""");
        var gone = await emulator.CallAsync("crm.item.get", $$"""{"entityTypeId":{{type}},"id":1}""");

        var item = added["item"]!;
        Assert.Equal(1, item["id"]!.GetValue<long>());
        Assert.Equal("Orders #1", item["title"]!.GetValue<string>());
        Assert.Equal(150.5, item["opportunity"]!.GetValue<double>());
        Assert.Equal("ext-1", item["xmlId"]!.GetValue<string>());
        Assert.Equal($"DT{type}_2:NEW", item["stageId"]!.GetValue<string>());
        Assert.Equal(1, item["assignedById"]!.GetValue<long>());
        Assert.Equal(type, item["entityTypeId"]!.GetValue<int>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$", item["createdTime"]!.GetValue<string>());
        Assert.Equal("Renamed", updated["item"]!["title"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(updated["item"], got["item"]));
        Assert.NotEqual(item["updatedTime"]!.GetValue<string>(), got["item"]!["updatedTime"]!.GetValue<string>());
        Assert.Equal(item["createdTime"]!.GetValue<string>(), got["item"]!["createdTime"]!.GetValue<string>());
        Assert.Empty(deleted.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, gone.Status);
        Assert.Equal("NOT_FOUND", gone.Error);
        Assert.Equal("Item not found", gone.ErrorDescription);
    }

    [Theory]
    [InlineData("crm.item.get", """{"entityTypeId":1234,"id":1}""")]
    [InlineData("crm.item.list", """{"entityTypeId":1234}""")]
    [InlineData("crm.item.add", """{"entityTypeId":"1234","fields":{}}""")]
    [InlineData("crm.item.update", """{"entityTypeId":5,"id":1,"fields":{"title":"x"}}""")]
    [InlineData("crm.item.delete", """{"entityTypeId":0,"id":1}""")]
    public async Task UnknownEntityTypeId_Answers400NotFoundSmartProcessNotFound(string method, string parameters)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        emulator.AddType();

        var answer = await emulator.CallAsync(method, parameters);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("NOT_FOUND", answer.Error);
        Assert.Equal("Smart process not found", answer.ErrorDescription);
    }

    [Theory]
    [InlineData("crm.item.update", """{"entityTypeId":1030,"id":7,"fields":{"title":"x"}}""")]
    [InlineData("crm.item.delete", """{"entityTypeId":1030,"id":0}""")]
    [InlineData("crm.item.get", """{"entityTypeId":1030,"id":"abc"}""")]
    public async Task UnknownItem_Answers400NotFoundItemNotFound(string method, string parameters)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        emulator.AddItems(emulator.AddType(), 1);

        var answer = await emulator.CallAsync(method, parameters);

        Assert.Equal(("NOT_FOUND", "Item not found"), (answer.Error, answer.ErrorDescription));
    }

    [Theory]
    [InlineData("crm.item.get", """{"id":1}""", "entityTypeId")]
    [InlineData("crm.item.get", """{"entityTypeId":1030}""", "id")]
    [InlineData("crm.item.add", """{"entityTypeId":1030}""", "fields")]
    public async Task MissingArgument_Answers400WithTheEnginesCode100NamingIt(string method, string parameters, string argument)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        emulator.AddType();

        var answer = await emulator.CallAsync(method, parameters);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("100", answer.Error);
        Assert.Equal($"Could not find value for parameter {{{argument}}}", answer.ErrorDescription);
    }

    [Fact]
    public async Task TwoTypes_NumberTheirItemsApart_AndAChangeToOneLeavesTheOtherAlone()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var orders = emulator.AddType("Orders");
        var repairs = emulator.AddType("Repairs", entityTypeId: 150);
        emulator.AddItems(orders, 2);
        emulator.AddItems(repairs, 1, from: 100);

        await emulator.ResultAsync("crm.item.delete", $$"""{"entityTypeId":{{repairs}},"id":1}""");
        var order = await emulator.ResultAsync("crm.item.get", $$"""{"entityTypeId":{{orders}},"id":1}""");
        var repairList = await emulator.ResultAsync("crm.item.list", $$"""{"entityTypeId":{{repairs}}}""");
        emulator.AddItems(repairs, 1, from: 200);
        var repair = await emulator.ResultAsync("crm.item.get", $$"""{"entityTypeId":{{repairs}},"id":2}""");

        Assert.Equal("Item 1", order["item"]!["title"]!.GetValue<string>());
        Assert.Empty(repairList["items"]!.AsArray());
        Assert.Equal("Item 200", repair["item"]!["title"]!.GetValue<string>());
        Assert.Equal(2, emulator.Portal.SmartProcesses.Count(orders));
        Assert.Equal(1, emulator.Portal.SmartProcesses.Count(repairs));
    }

    [Fact]
    public async Task UserFields_AreAnsweredInCamelCase_OrUnderTheirOriginalNamesWithUseOriginalUfNames()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var type = emulator.AddType();

        await emulator.ResultAsync("crm.item.add", $$$"""{"entityTypeId":{{{type}}},"fields":{"ufCrm2_1700000000000":"red","UF_CRM_2_1700000000001":[1,2]}}""");
        var camel = (await emulator.ResultAsync("crm.item.get", $$"""{"entityTypeId":{{type}},"id":1}"""))["item"]!;
        var original = (await emulator.ResultAsync("crm.item.get", $$"""{"entityTypeId":{{type}},"id":1,"useOriginalUfNames":"Y"}"""))["item"]!;

        Assert.Equal("red", camel["ufCrm2_1700000000000"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[1,2]"), camel["ufCrm2_1700000000001"]));
        Assert.Equal("red", original["UF_CRM_2_1700000000000"]!.GetValue<string>());
        Assert.False(original.AsObject().ContainsKey("ufCrm2_1700000000000"));
    }

    [Fact]
    public async Task Update_IgnoresReadOnlyFields_AndAStageChangeRecordsThePreviousStageAndWhoMovedIt()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var type = emulator.AddType();
        emulator.AddItems(type, 1);

        var item = (await emulator.ResultAsync("crm.item.update", $$$"""
            {"entityTypeId":{{{type}}},"id":1,"fields":{"createdBy":7,"createdTime":"2001-01-01T00:00:00+00:00","stageId":"DT{{{type}}}_2:WORK","opened":"n"}}
            """))["item"]!;

        Assert.Equal(1, item["createdBy"]!.GetValue<long>());
        Assert.DoesNotContain("2001", item["createdTime"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal($"DT{type}_2:WORK", item["stageId"]!.GetValue<string>());
        Assert.Equal($"DT{type}_2:NEW", item["previousStageId"]!.GetValue<string>());
        Assert.Equal("N", item["opened"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invoices_AreTheBuiltInType31_NumberedAndTitledByTheServer()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var invoice = (await emulator.ResultAsync("crm.item.add", """{"entityTypeId":31,"fields":{"opportunity":99}}"""))["item"]!;

        Assert.Equal("Invoice #1", invoice["title"]!.GetValue<string>());
        Assert.Equal("1", invoice["accountNumber"]!.GetValue<string>());
        Assert.Equal("DT31_1:N", invoice["stageId"]!.GetValue<string>());
        Assert.Equal(31, invoice["entityTypeId"]!.GetValue<int>());
        Assert.Equal(1, emulator.Portal.SmartProcesses.Count(31));
    }
}
