using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

/// <summary>
/// <c>crm.item.list</c> (crm-item-list.md; bitrix24-api.md §12, §13): <c>{"items":[…]}</c> with total and next in
/// pages of 50, the classic filter prefixes on camelCase names, order, select, and keyset pages by id.
/// </summary>
public sealed class CrmItemListTests
{
    [Fact]
    public async Task List_AnswersPagesOf50WrappedInItems_WithTotalAndNextUntilTheLastPage()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var type = emulator.AddType();
        emulator.AddItems(type, 120);

        var first = await emulator.CallAsync("crm.item.list", $$"""{"entityTypeId":{{type}}}""");
        var last = await emulator.CallAsync("crm.item.list", $$"""{"entityTypeId":{{type}},"start":110}""");

        Assert.Equal(ItemKit.Range(1, 50), ItemKit.ItemIds(first.Result!));
        Assert.Equal(120, first.Body!["total"]!.GetValue<int>());
        Assert.Equal(50, first.Body["next"]!.GetValue<int>());
        Assert.Equal(ItemKit.Range(101, 120), ItemKit.ItemIds(last.Result!));
        Assert.Null(last.Body!["next"]);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("ID")]
    public async Task List_KeysetPageByIdRange_AnswersExactlyTheRangeInIdOrder_WithTotal0AndNoNext(string idName)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var type = emulator.AddType();
        emulator.AddItems(type, 200);
        emulator.DeleteItems(type, 101, 120, 151);

        var answer = await emulator.CallAsync("crm.item.list", $$"""
            {"entityTypeId":{{type}},"order":{"{{idName}}":"ASC"},"filter":{">{{idName}}":100,"<={{idName}}":150},"select":["id","title"],"start":-1}
            """);

        Assert.Equal(ItemKit.Range(102, 150).Where(id => id != 120), ItemKit.ItemIds(answer.Result!));
        Assert.Equal(0, answer.Body!["total"]!.GetValue<int>());
        Assert.Null(answer.Body["next"]);
        Assert.Equal("Item 102", answer.Result!["items"]![0]!["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(""" ">id":7 """, new long[] { 8, 9, 10 })]
    [InlineData(""" ">=id":8,"<id":10 """, new long[] { 8, 9 })]
    [InlineData(""" "<=id":2 """, new long[] { 1, 2 })]
    [InlineData(""" "@id":[2,"4",9] """, new long[] { 2, 4, 9 })]
    [InlineData(""" "!@id":[1,2,3,4,5,6,7] """, new long[] { 8, 9, 10 })]
    [InlineData(""" "!=id":1,"<id":4 """, new long[] { 2, 3 })]
    [InlineData(""" ">=opportunity":50,"<opportunity":80 """, new long[] { 5, 6, 7 })]
    [InlineData(""" "%title":"item 1" """, new long[] { 1, 10 })]
    [InlineData(""" "=%title":"Item 1%" """, new long[] { 1, 10 })]
    [InlineData(""" "!%title":"1" """, new long[] { 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData(""" "title":"ITEM 3" """, new long[] { 3 })]
    [InlineData(""" "TITLE":"Item 3" """, new long[] { 3 })]
    public async Task List_FilterPrefixesOnCamelCaseNames_WorkAsInTheClassicLists(string condition, long[] expected)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var type = emulator.AddType();
        emulator.AddItems(type, 10);

        var answer = await emulator.ResultAsync("crm.item.list", Params(type, $"\"filter\":{{{condition}}}"));

        Assert.Equal(expected, ItemKit.ItemIds(answer));
    }

    [Fact]
    public async Task List_OrderByIdDescending_OrByAnotherField_IsHonoured()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var type = emulator.AddType();
        emulator.AddItems(type, 5);
        await emulator.ResultAsync("crm.item.update", Params(type, """ "id":2,"fields":{"opportunity":1000} """));

        var byIdDesc = await emulator.ResultAsync("crm.item.list", Params(type, """ "order":{"id":"DESC"} """));
        var byAmount = await emulator.ResultAsync("crm.item.list", Params(type, """ "order":{"opportunity":"desc"} """));

        Assert.Equal([5, 4, 3, 2, 1], ItemKit.ItemIds(byIdDesc));
        Assert.Equal([2, 5, 4, 3, 1], ItemKit.ItemIds(byAmount));
    }

    [Fact]
    public async Task List_Select_NamesGiveThoseFieldsAndId_StarOrNoneGiveEverythingWithEntityTypeId()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var type = emulator.AddType();
        emulator.AddItems(type, 1);

        var named = (await emulator.ResultAsync("crm.item.list", $$"""{"entityTypeId":{{type}},"select":["title","STAGE_ID","noSuchField"]}"""))["items"]![0]!.AsObject();
        var star = (await emulator.ResultAsync("crm.item.list", $$"""{"entityTypeId":{{type}},"select":["*"]}"""))["items"]![0]!.AsObject();
        var none = (await emulator.ResultAsync("crm.item.list", $$"""{"entityTypeId":{{type}}}"""))["items"]![0]!.AsObject();

        Assert.Equal(["id", "title", "stageId"], named.Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(star, none));
        Assert.Equal(type, star["entityTypeId"]!.GetValue<int>());
        Assert.Contains("updatedTime", star.Select(p => p.Key));
    }

    [Theory]
    [InlineData(""" "filter":{"noSuchField":1} """, "Invalid filter: field 'noSuchField' is not allowed in filter")]
    [InlineData(""" "order":{"noSuchField":"ASC"} """, "Invalid order: field 'noSuchField' is not allowed in order")]
    [InlineData(""" "order":{"id":"UP"} """, "Invalid order: allowed sort directions are ASC, DESC. But got 'UP' for field 'id'")]
    public async Task List_UnknownFilterOrOrderFieldOrDirection_Answers400InvalidArgValue(string parameters, string description)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var type = emulator.AddType();

        var answer = await emulator.CallAsync("crm.item.list", Params(type, parameters));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(("INVALID_ARG_VALUE", description), (answer.Error, answer.ErrorDescription));
    }

    private static string Params(int type, string rest) => "{\"entityTypeId\":" + ItemKit.Text(type) + "," + rest + "}";
}
