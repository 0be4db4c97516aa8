using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

/// <summary>
/// <c>crm.activity.list</c> (crm-activity-list.md): the classic list shape, <c>START_TIME</c> order by default, keyset
/// pages by ID (bitrix24-api.md §12), and <c>COMMUNICATIONS</c> only when selected by name.
/// </summary>
public sealed class ActivityListTests
{
    [Fact]
    public async Task List_AnswersTheClassicShape_InPagesOf50()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddCalls(emulator, 60);

        var first = await emulator.CallAsync("crm.activity.list", """{"order":{"ID":"ASC"}}""");
        var second = await emulator.CallAsync("crm.activity.list", """{"order":{"ID":"ASC"},"start":50}""");

        Assert.Equal(ItemKit.Range(1, 50).Select(ItemKit.Text), ItemKit.Ids(first.Result!));
        Assert.Equal((60, 50), (first.Body!["total"]!.GetValue<int>(), first.Body["next"]!.GetValue<int>()));
        Assert.Equal(ItemKit.Range(51, 60).Select(ItemKit.Text), ItemKit.Ids(second.Result!));
        Assert.Null(second.Body!["next"]);
    }

    [Fact]
    public async Task List_WithoutOrder_IsByStartTimeAscending()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var contact = emulator.AddContact();
        foreach (var hour in new[] { "15", "09", "12" })
        {
            await emulator.ResultAsync("crm.activity.add", $$$"""
                {"fields":{"OWNER_TYPE_ID":3,"OWNER_ID":{{{contact}}},"TYPE_ID":2,"SUBJECT":"At {{{hour}}}","COMMUNICATIONS":[{"VALUE":"1"}],"START_TIME":"2024-05-01T{{{hour}}}:00:00+00:00"}}
                """);
        }

        var answer = await emulator.ResultAsync("crm.activity.list", "{}");

        Assert.Equal(["2", "3", "1"], ItemKit.Ids(answer));
    }

    [Fact]
    public async Task List_KeysetPageByIdRange_AnswersTheRange_WithTotal0AndNoNext()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        AddCalls(emulator, 120);
        emulator.World.CallAsUser(emulator.Portal, "crm.activity.delete", ItemKit.Json("""{"id":75}"""));

        var page = await emulator.CallAsync("crm.activity.list", """{"order":{"ID":"ASC"},"filter":{">ID":60,"<=ID":110},"select":["ID","SUBJECT"],"start":-1}""");
        var newest = await emulator.ResultAsync("crm.activity.list", """{"order":{"ID":"DESC"},"select":["ID"],"start":-1}""");

        Assert.Equal(ItemKit.Range(61, 110).Where(id => id != 75).Select(ItemKit.Text), ItemKit.Ids(page.Result!));
        Assert.Equal(["ID", "SUBJECT"], page.Result![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(0, page.Body!["total"]!.GetValue<int>());
        Assert.Null(page.Body["next"]);
        Assert.Equal("120", ItemKit.Ids(newest)[0]);
    }

    [Fact]
    public async Task List_GivesCommunicationsOnlyWhenSelectedByName()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var contact = emulator.AddContact();
        emulator.AddCall(contact);

        var plain = (await emulator.ResultAsync("crm.activity.list", "{}"))[0]!.AsObject();
        var withCommunications = (await emulator.ResultAsync("crm.activity.list", """{"select":["*","COMMUNICATIONS"]}"""))[0]!;

        Assert.False(plain.ContainsKey("COMMUNICATIONS"));
        Assert.Equal("Call", plain["SUBJECT"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse($$"""[{"ID":"1","TYPE":"PHONE","VALUE":"+15550001","ENTITY_ID":"{{contact}}","ENTITY_TYPE_ID":"3"}]"""),
            withCommunications["COMMUNICATIONS"]));
    }

    [Fact]
    public async Task List_FiltersOnOwnerAndCompletion_AndDropsFieldsActivitiesLack()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var ann = emulator.AddContact("Ann");
        var bob = emulator.AddContact("Bob");
        emulator.AddCall(ann);
        emulator.AddCall(bob);
        var done = emulator.AddCall(bob);
        emulator.World.CallAsUser(emulator.Portal, "crm.activity.update", ItemKit.Json($$$"""{"id":{{{done}}},"fields":{"COMPLETED":"Y"}}"""));

        var bobs = await emulator.ResultAsync("crm.activity.list", $$$"""{"filter":{"OWNER_TYPE_ID":3,"OWNER_ID":{{{bob}}},"COMPLETED":"N","NO_SUCH_FIELD":1}}""");

        Assert.Equal(["2"], ItemKit.Ids(bobs));
    }

    [Theory]
    [InlineData("""{"order":"ID"}""", "Parameter 'order' must be array.")]
    [InlineData("""{"filter":"x"}""", "Parameter 'filter' must be array.")]
    public async Task List_WithAnOrderOrFilterThatIsNotAnArray_Answers400(string parameters, string description)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.CallAsync("crm.activity.list", parameters);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(("", description), (answer.Error, answer.ErrorDescription));
    }

    private static void AddCalls(EmulatorHarness emulator, int count)
    {
        var contact = emulator.AddContact();
        for (var i = 1; i <= count; i++)
        {
            emulator.AddCall(contact, $"Call {i}");
        }
    }
}
