using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

/// <summary>
/// <c>crm.type.list</c> (crm-type-list.md) and the types behind it, which come and go while the portal runs
/// (bitrix24-api.md §13): custom entityTypeIds from 1030 in steps of 2, or 128–192 (crm-type-add.md).
/// </summary>
public sealed class CrmTypeListTests
{
    [Fact]
    public async Task TypeList_OnANewPortal_ListsNoType_AndTheInvoicesTypeOnlyWhenConfiguredTo()
    {
        await using var plain = await EmulatorHarness.StartAsync();
        await using var withInvoices = await EmulatorHarness.StartAsync(o => o.TypeListIncludesInvoices = true);

        var empty = await plain.CallAsync("crm.type.list", "{}");
        var invoices = await withInvoices.ResultAsync("crm.type.list", "{}");

        Assert.Empty(empty.Result!["types"]!.AsArray());
        Assert.Equal(0, empty.Body!["total"]!.GetValue<int>());
        Assert.Equal([31], invoices["types"]!.AsArray().Select(t => t!["entityTypeId"]!.GetValue<int>()));
    }

    [Fact]
    public async Task TypeList_ShowsEachCreatedTypeInTheDocumentedShape_AndForgetsADeletedOne()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var orders = emulator.Portal.SmartProcesses.AddType("Orders");
        var repairs = emulator.Portal.SmartProcesses.AddType("Repairs");
        var small = emulator.Portal.SmartProcesses.AddType("Small", entityTypeId: 140);

        var before = await emulator.ResultAsync("crm.type.list", "{}");
        Assert.True(emulator.Portal.SmartProcesses.DeleteType(repairs.EntityTypeId));
        var after = await emulator.ResultAsync("crm.type.list", "{}");

        Assert.Equal((1030, 1032, 140), (orders.EntityTypeId, repairs.EntityTypeId, small.EntityTypeId));
        var first = before["types"]![0]!.AsObject();
        Assert.Equal(
            ["id", "title", "code", "createdBy", "entityTypeId", "customSectionId", "isCategoriesEnabled", "isStagesEnabled",
                "isBeginCloseDatesEnabled", "isClientEnabled", "isUseInUserfieldEnabled", "isLinkWithProductsEnabled",
                "isMycompanyEnabled", "isDocumentsEnabled", "isSourceEnabled", "isObserversEnabled", "isRecyclebinEnabled",
                "isAutomationEnabled", "isBizProcEnabled", "isSetOpenPermissions", "isPaymentsEnabled", "isCountersEnabled",
                "createdTime", "updatedTime", "updatedBy"],
            first.Select(p => p.Key));
        Assert.Equal((orders.Id, "Orders", 1030), (first["id"]!.GetValue<int>(), first["title"]!.GetValue<string>(), first["entityTypeId"]!.GetValue<int>()));
        Assert.Equal([1030, 1032, 140], before["types"]!.AsArray().Select(t => t!["entityTypeId"]!.GetValue<int>()));
        Assert.Equal([1030, 140], after["types"]!.AsArray().Select(t => t!["entityTypeId"]!.GetValue<int>()));
    }

    [Fact]
    public async Task TypeList_PagesBy50_FiltersAndOrdersOnTypeFields()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        for (var i = 1; i <= 55; i++)
        {
            emulator.AddType($"Process {i}");
        }

        var first = await emulator.CallAsync("crm.type.list", "{}");
        var second = await emulator.CallAsync("crm.type.list", """{"start":50}""");
        var filtered = await emulator.ResultAsync("crm.type.list", """{"filter":{"%title":"Process 5",">=entityTypeId":1100},"order":{"id":"DESC"}}""");

        Assert.Equal((50, 55, 50), (first.Result!["types"]!.AsArray().Count, first.Body!["total"]!.GetValue<int>(), first.Body["next"]!.GetValue<int>()));
        Assert.Equal(5, second.Result!["types"]!.AsArray().Count);
        Assert.Null(second.Body!["next"]);
        Assert.Equal(["Process 55", "Process 54", "Process 53", "Process 52", "Process 51", "Process 50"],
            filtered["types"]!.AsArray().Select(t => t!["title"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TypeList_WithAFilterFieldTypesLack_Answers400InvalidArgValue()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.CallAsync("crm.type.list", """{"filter":{"color":"red"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(("INVALID_ARG_VALUE", "Invalid filter: field 'color' is not allowed in filter"), (answer.Error, answer.ErrorDescription));
    }

    [Theory]
    [InlineData(127)]
    [InlineData(193)]
    [InlineData(1029)]
    [InlineData(1031)]
    [InlineData(31)]
    [InlineData(2)]
    [InlineData(1030)]
    public async Task AddType_RefusesAnEntityTypeIdOutsideTheAllowedRangesOrTaken(int entityTypeId)
    {
        await using var world = new BitrixWorld();
        var portal = world.CreatePortal("types.bitrix24.com");
        portal.SmartProcesses.AddType("Taken");

        Assert.Throws<ArgumentException>(() => portal.SmartProcesses.AddType("New", entityTypeId));
        Assert.Single(portal.SmartProcesses.Types);
    }

    [Fact]
    public async Task DeleteType_DeletesItsItems_AndTheTypeThenAnswersSmartProcessNotFound()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var type = emulator.AddType();
        emulator.AddItems(type, 3);

        emulator.Portal.SmartProcesses.DeleteType(type);
        var answer = await emulator.CallAsync("crm.item.get", $$"""{"entityTypeId":{{type}},"id":1}""");
        emulator.AddType(entityTypeId: type);

        Assert.Equal("Smart process not found", answer.ErrorDescription);
        Assert.Equal(0, emulator.Portal.SmartProcesses.Count(type));
        Assert.Throws<ArgumentException>(() => emulator.Portal.SmartProcesses.DeleteType(31));
        Assert.False(emulator.Portal.SmartProcesses.DeleteType(4242));
        Assert.Empty((await emulator.ResultAsync("crm.item.list", $$"""{"entityTypeId":{{type}}}"""))["items"]!.AsArray());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[]"), (await emulator.ResultAsync("crm.type.list", """{"filter":{"title":"none"}}"""))["types"]));
    }
}
