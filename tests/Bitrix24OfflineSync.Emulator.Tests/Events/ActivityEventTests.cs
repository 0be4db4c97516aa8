using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Emulator.Tests.Events;

/// <summary>
/// The activity events (on-crm-activity-*.md; <c>CCrmActivityRestProxy::processEvent</c>): <c>ONCRMACTIVITY{ADD|UPDATE|DELETE}</c>
/// with <c>{"FIELDS":{"ID":&lt;int&gt;}}</c>, bound offline and queued like the other CRM events.
/// </summary>
public sealed class ActivityEventTests
{
    [Fact]
    public async Task ActivityChanges_QueueOneRowPerEvent_WithAnIntId()
    {
        await using var emulator = await QueueKit.StartAsync();
        foreach (var name in new[] { "ONCRMACTIVITYADD", "ONCRMACTIVITYUPDATE", "ONCRMACTIVITYDELETE" })
        {
            await emulator.Client.BindOfflineAsync(name);
        }

        var id = emulator.AddCall(emulator.AddContact());
        emulator.World.CallAsUser(emulator.Portal, "crm.activity.update", ItemKit.Json($$$"""{"id":{{{id}}},"fields":{"SUBJECT":"Again"}}"""));
        emulator.World.CallAsUser(emulator.Portal, "crm.activity.update", ItemKit.Json($$$"""{"id":{{{id}}},"fields":{"SUBJECT":"And again"}}"""));
        emulator.World.CallAsUser(emulator.Portal, "crm.activity.delete", ItemKit.Json($$"""{"id":{{id}}}"""));
        await emulator.WrittenAsync();

        var rows = emulator.Portal.Queue.Snapshot();
        Assert.Equal(["ONCRMACTIVITYADD", "ONCRMACTIVITYUPDATE", "ONCRMACTIVITYDELETE"], rows.Select(r => r.EventName));
        Assert.All(rows, row => Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"FIELDS":{"ID":1}}"""), row.EventData)));
    }

    [Fact]
    public async Task ActivityChangedByTheAppItself_IsNotQueuedForItsOwnConnectorlessQueue()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync("ONCRMACTIVITYADD");
        var contact = emulator.AddContact();

        await emulator.ResultAsync("crm.activity.add", $$$"""{"fields":{"OWNER_TYPE_ID":3,"OWNER_ID":{{{contact}}},"TYPE_ID":2,"SUBJECT":"Own","COMMUNICATIONS":[{"VALUE":"1"}]}}""");
        emulator.AddCall(contact);
        await emulator.WrittenAsync();

        var row = Assert.Single(emulator.Portal.Queue.Snapshot());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"FIELDS":{"ID":2}}"""), row.EventData));
    }
}
