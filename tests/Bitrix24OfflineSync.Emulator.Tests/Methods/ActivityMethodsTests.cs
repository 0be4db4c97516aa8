using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

/// <summary>
/// <c>crm.activity.{add|update|delete|get}</c> as <c>CCrmActivityRestProxy</c> answers them (crm-activity-*.md and the
/// crm module's REST proxy): UPPER_CASE string fields, checks in the proxy's order and words, empty error codes.
/// </summary>
public sealed class ActivityMethodsTests
{
    [Fact]
    public async Task AddGetUpdateDelete_RoundTripACall_AndTheDeletedOneIsGone()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var contact = emulator.AddContact();

        var id = emulator.AddCall(contact, "First call");
        var got = await emulator.ResultAsync("crm.activity.get", $$"""{"id":{{id}}}""");
        var updated = await emulator.ResultAsync("crm.activity.update", $$$"""{"id":{{{id}}},"fields":{"COMPLETED":"Y","SUBJECT":"Done"}}""");
        var after = await emulator.ResultAsync("crm.activity.get", $$"""{"id":{{id}}}""");
        var deleted = await emulator.ResultAsync("crm.activity.delete", $$"""{"id":{{id}}}""");
        var gone = await emulator.CallAsync("crm.activity.get", $$"""{"id":{{id}}}""");

        Assert.Equal(1, id);
        Assert.Equal(
            ("1", "3", ItemKit.Text(contact), "2", "VOXIMPLANT_CALL", "CALL"),
            (Text(got, "ID"), Text(got, "OWNER_TYPE_ID"), Text(got, "OWNER_ID"), Text(got, "TYPE_ID"), Text(got, "PROVIDER_ID"), Text(got, "PROVIDER_TYPE_ID")));
        Assert.Equal(("First call", "N", "1", "1"), (Text(got, "SUBJECT"), Text(got, "COMPLETED"), Text(got, "STATUS"), Text(got, "RESPONSIBLE_ID")));
        Assert.Equal("2024-05-01T13:00:00+03:00", Text(got, "START_TIME"));
        Assert.Equal(Text(got, "START_TIME"), Text(got, "DEADLINE"));
        Assert.Equal("2024-05-01T13:30:00+03:00", Text(got, "END_TIME"));
        Assert.False(got.AsObject().ContainsKey("COMMUNICATIONS"));
        Assert.True(updated.GetValue<bool>());
        Assert.Equal(("Done", "Y", "2"), (Text(after, "SUBJECT"), Text(after, "COMPLETED"), Text(after, "STATUS")));
        Assert.True(deleted.GetValue<bool>());
        Assert.Equal(HttpStatusCode.BadRequest, gone.Status);
        Assert.Equal(("", ""), (gone.Error, gone.ErrorDescription));
    }

    [Fact]
    public async Task Add_WithoutAResponsible_TakesTheOwnersResponsible()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        await emulator.ResultAsync("crm.deal.add", """{"fields":{"TITLE":"Deal","ASSIGNED_BY_ID":5}}""");

        var id = await emulator.ResultAsync("crm.activity.add", """{"fields":{"OWNER_TYPE_ID":2,"OWNER_ID":1,"TYPE_ID":1,"SUBJECT":"Meet","COMMUNICATIONS":[{"VALUE":"Office"}]}}""");
        var activity = await emulator.ResultAsync("crm.activity.get", $$"""{"id":{{id.GetValue<long>()}}}""");

        Assert.Equal(("5", "1"), (Text(activity, "RESPONSIBLE_ID"), Text(activity, "AUTHOR_ID")));
    }

    [Fact]
    public async Task Add_BoundToASmartProcessItem_IsAccepted()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var type = emulator.AddType();
        emulator.AddItems(type, 1);

        var answer = await emulator.CallAsync("crm.activity.add", $$$"""{"fields":{"OWNER_TYPE_ID":{{{type}}},"OWNER_ID":1,"TYPE_ID":4,"SUBJECT":"Mail","COMMUNICATIONS":[{"VALUE":"a@example.com"}]}}""");

        Assert.Equal(1, answer.EnsureSuccess().Result!.GetValue<long>());
    }

    [Theory]
    [InlineData(""" "OWNER_TYPE_ID":3,"OWNER_ID":1,"SUBJECT":"x","COMMUNICATIONS":[{"VALUE":"1"}] """, "The field TYPE_ID is not defined or invalid.")]
    [InlineData(""" "OWNER_TYPE_ID":3,"OWNER_ID":1,"TYPE_ID":3,"SUBJECT":"x","COMMUNICATIONS":[{"VALUE":"1"}] """, "The activity type \"Task is not supported in current context\".")]
    [InlineData(""" "OWNER_TYPE_ID":3,"OWNER_ID":1,"TYPE_ID":6,"SUBJECT":"x" """, "The custom activity without provider is not supported in current context.")]
    [InlineData(""" "OWNER_TYPE_ID":3,"OWNER_ID":1,"TYPE_ID":2,"SUBJECT":"x" """, "The field COMMUNICATIONS is not defined or invalid.")]
    [InlineData(""" "OWNER_TYPE_ID":3,"OWNER_ID":1,"TYPE_ID":2,"SUBJECT":"x","COMMUNICATIONS":[{"VALUE":"1","TYPE":"EMAIL"}] """, "The field COMMUNICATIONS is not defined or invalid.")]
    [InlineData(""" "OWNER_TYPE_ID":3,"OWNER_ID":1,"TYPE_ID":2,"SUBJECT":"x","COMMUNICATIONS":[{"VALUE":"1"},{"VALUE":"2"}] """, "The only one communication is allowed for activity of specified type.")]
    [InlineData(""" "TYPE_ID":6,"PROVIDER_ID":"CRM_TODO","SUBJECT":"x" """, "Could not build binding. Please ensure that owner info and communications are defined correctly.")]
    [InlineData(""" "OWNER_TYPE_ID":2,"OWNER_ID":99,"TYPE_ID":2,"SUBJECT":"x","COMMUNICATIONS":[{"VALUE":"1"}] """, "Could not find 'DEAL' with ID: 99")]
    [InlineData(""" "OWNER_TYPE_ID":777,"OWNER_ID":1,"TYPE_ID":2,"SUBJECT":"x","COMMUNICATIONS":[{"VALUE":"1"}] """, "Entity type '[777]' is not supported in current context")]
    [InlineData(""" "OWNER_TYPE_ID":3,"OWNER_ID":1,"TYPE_ID":2,"COMMUNICATIONS":[{"VALUE":"1"}] """, "The field SUBJECT is not defined or empty.")]
    public async Task Add_RefusesWhatTheProxyRefuses_With400AnEmptyCodeAndItsMessage(string fields, string description)
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        emulator.AddContact();

        var answer = await emulator.CallAsync("crm.activity.add", "{\"fields\":{" + fields + "}}");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(("", description), (answer.Error, answer.ErrorDescription));
        Assert.Equal(0, emulator.Portal.Activities.Count);
    }

    [Theory]
    [InlineData("crm.activity.update", """{"id":5,"fields":{"SUBJECT":"x"}}""", "Activity is not found.")]
    [InlineData("crm.activity.delete", """{"id":5}""", "Activity is not found.")]
    [InlineData("crm.activity.get", """{"id":0}""", "ID is not defined or invalid.")]
    [InlineData("crm.activity.delete", """{}""", "ID is not defined or invalid.")]
    public async Task UnknownOrInvalidId_Answers400WithAnEmptyCode(string method, string parameters, string description)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.CallAsync(method, parameters);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(("", description), (answer.Error, answer.ErrorDescription));
    }

    private static string Text(JsonNode activity, string field) => activity[field]!.GetValue<string>();
}
