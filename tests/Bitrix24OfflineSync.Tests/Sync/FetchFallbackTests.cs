using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Rest;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Model;
using Bitrix24OfflineSync.Tests.Infrastructure;
using static Bitrix24OfflineSync.Tests.Sync.ResolutionKit;

namespace Bitrix24OfflineSync.Tests.Sync;

/// <summary>Configured mappings, and the single gets that serve where a list cannot.</summary>
public sealed class FetchFallbackTests
{
    [Fact]
    public async Task AConfiguredMapping_FetchesItsObjectsThroughItsListMethod()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture, new Dictionary<string, string?>
        {
            ["Sync:Mappings:0:Event"] = "ONSHOPORDERPAID",
            ["Sync:Mappings:0:Entity"] = "shop.order",
            ["Sync:Mappings:0:IdPath"] = "ORDER.DEAL_ID",
            ["Sync:Mappings:0:GetMethod"] = "crm.deal.get",
            ["Sync:Mappings:0:ListMethod"] = "crm.deal.list",
            ["Sync:Mappings:0:Select:0"] = "TITLE",
            ["Sync:Mappings:0:Select:1"] = "DATE_MODIFY",
        });
        var paid = fixture.AddCrm(portal, "deal", new JsonObject { ["TITLE"] = "Order 1" });
        var missing = paid + 100;
        var requests = portal.Stats.Requests;

        var batch = await provider.ResolveAsync(portal, Order(paid), Order(missing));

        Assert.Equal(1, portal.Stats.Requests - requests);
        Assert.Equal(0, portal.Stats.CallsOf("crm.deal.get"));
        var change = batch.Single("shop.order", paid);
        Assert.Equal(ChangeAction.Upsert, change.Action);
        Assert.Equal(["ID", "TITLE", "DATE_MODIFY"], change.State!.AsObject().Select(p => p.Key));
        Assert.Equal(
            DateTimeOffset.Parse(change.State["DATE_MODIFY"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            change.ModifiedAt);
        Assert.Equal(ChangeAction.Delete, batch.Single("shop.order", missing).Action);
        Assert.Equal(["ONSHOPORDERPAID"], change.Events);
    }

    [Fact]
    public async Task AMappingWithoutAList_FetchesWithSingleGets_AndAnAccessErrorFailsOnlyItsObject()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        fixture.World.Methods.Add("test.secret.get", null, ctx => ctx.StringParam("id") switch
        {
            "1" => new JsonObject { ["ID"] = "1", ["NAME"] = "Open", ["DATE_MODIFY"] = "2026-11-20T10:00:00+01:00" },
            "2" => throw new RestException(System.Net.HttpStatusCode.BadRequest, "", "Access denied."),
            _ => throw RestException.NotFound(),
        });
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture, new Dictionary<string, string?>
        {
            ["Sync:Mappings:0:Event"] = "ONTESTSECRETUPDATE",
            ["Sync:Mappings:0:Entity"] = "test.secret",
            ["Sync:Mappings:0:IdPath"] = "FIELDS.ID",
            ["Sync:Mappings:0:GetMethod"] = "test.secret.get",
        });
        var deal = fixture.AddCrm(portal, "deal", new JsonObject { ["TITLE"] = "Unaffected" });
        var denied = Crm("ONTESTSECRETUPDATE", 2);
        var requests = portal.Stats.Requests;

        var batch = await provider.ResolveAsync(portal, Crm("ONTESTSECRETUPDATE", 1), denied, Crm("ONTESTSECRETUPDATE", 3), Crm("ONCRMDEALUPDATE", deal));

        Assert.Equal(1, portal.Stats.Requests - requests);
        Assert.Equal(3, portal.Stats.CallsOf("test.secret.get"));
        Assert.Equal("Open", batch.Single("test.secret", 1).State!["NAME"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero), batch.Single("test.secret", 1).ModifiedAt);
        Assert.Equal(ChangeAction.Delete, batch.Single("test.secret", 3).Action);
        Assert.Equal(ChangeAction.Upsert, batch.Single("crm.deal", deal).Action);
        var failure = Assert.Single(batch.Failures);
        Assert.Equal(new ObjectKey("test.secret", "2"), failure.Key);
        Assert.Equal([denied.MessageId], failure.MessageIds);
        Assert.Contains("Access denied.", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailingListCommand_FallsBackToSingleGets()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        fixture.World.Methods.Add("crm.contact.list", "crm", _ => throw RestException.Core("Temporary index rebuild"));
        using var provider = Provider(fixture);
        var kept = fixture.AddCrm(portal, "contact", new JsonObject { ["NAME"] = "Ann", ["PHONE"] = ChangeResolverTests.Phone("+1") });
        var deleted = fixture.AddCrm(portal, "contact", new JsonObject { ["NAME"] = "Bob" });
        fixture.World.CallAsUser(portal, "crm.contact.delete", new JsonObject { ["id"] = deleted });
        var deal = fixture.AddCrm(portal, "deal", new JsonObject { ["TITLE"] = "Listed as usual" });
        var requests = portal.Stats.Requests;

        var batch = await provider.ResolveAsync(portal, Crm("ONCRMCONTACTUPDATE", kept), Crm("ONCRMCONTACTUPDATE", deleted), Crm("ONCRMDEALUPDATE", deal));

        Assert.Equal(2, portal.Stats.Requests - requests);
        Assert.Equal(2, portal.Stats.CallsOf("crm.contact.get"));
        Assert.Empty(batch.Failures);
        Assert.True(JsonNode.DeepEquals(portal.Crm.Snapshot(CrmEntityType.Contact).Single(), batch.Single("crm.contact", kept).State));
        Assert.Equal(ChangeAction.Delete, batch.Single("crm.contact", deleted).Action);
        Assert.Equal(ChangeAction.Upsert, batch.Single("crm.deal", deal).Action);
        Assert.Equal(0, portal.Stats.CallsOf("crm.deal.get"));
    }

    [Fact]
    public async Task AFailingTaskList_FallsBackToTaskGets_WhereADeletedTaskAnswersAccessDenied()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        fixture.World.Methods.Add("tasks.task.list", "task", _ => throw RestException.Core("Temporary index rebuild"));
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture);
        var kept = fixture.AddTask(portal, "Kept");
        var deleted = fixture.AddTask(portal, "Deleted");
        fixture.World.CallAsUser(portal, "tasks.task.delete", new JsonObject { ["taskId"] = deleted });

        var batch = await provider.ResolveAsync(portal, Task("ONTASKUPDATE", kept), Task("ONTASKUPDATE", deleted));

        Assert.Equal(2, portal.Stats.CallsOf("tasks.task.get"));
        var change = batch.Single("task", kept);
        Assert.True(JsonNode.DeepEquals(portal.Tasks.Snapshot().Single(), change.State));
        Assert.Equal(DateTimeOffset.Parse(change.State!["changedDate"]!.GetValue<string>(), CultureInfo.InvariantCulture), change.ModifiedAt);
        var failure = Assert.Single(batch.Failures);
        Assert.Equal(new ObjectKey("task", deleted.ToString(CultureInfo.InvariantCulture)), failure.Key);
        Assert.Contains("ACCESS_DENIED", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AListThatIgnoresItsFilter_ProvesNothingGone_AndTheObjectsItDidNotShowAreFetchedOneByOne()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        JsonObject Item(string id) => new() { ["ID"] = id, ["NAME"] = $"Item {id}" };
        fixture.World.Methods.Add("test.item.list", null, _ => MethodResult.Page(new JsonArray(Item("1"), Item("99")), total: 40, start: 0, pageSize: 2));
        fixture.World.Methods.Add("test.item.get", null, ctx => Item(ctx.StringParam("id")!));
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture, new Dictionary<string, string?>
        {
            ["Sync:Mappings:0:Event"] = "ONTESTITEMUPDATE",
            ["Sync:Mappings:0:Entity"] = "test.item",
            ["Sync:Mappings:0:IdPath"] = "FIELDS.ID",
            ["Sync:Mappings:0:GetMethod"] = "test.item.get",
            ["Sync:Mappings:0:ListMethod"] = "test.item.list",
        });

        var batch = await provider.ResolveAsync(portal, Crm("ONTESTITEMUPDATE", 1), Crm("ONTESTITEMUPDATE", 2), Crm("ONTESTITEMUPDATE", 3));

        Assert.Empty(batch.Failures);
        Assert.All(batch.Changes, c => Assert.Equal(ChangeAction.Upsert, c.Action));
        Assert.Equal("Item 3", batch.Single("test.item", 3).State!["NAME"]!.GetValue<string>());
        Assert.Equal(2, portal.Stats.CallsOf("test.item.get"));
        Assert.Null(batch.Single("test.item", 1).ModifiedAt);
    }

    [Fact]
    public async Task AnUnreadableModificationTime_LeavesModifiedAtEmpty()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        fixture.World.Methods.Add("test.item.get", null, ctx => new JsonObject { ["ID"] = ctx.StringParam("id"), ["DATE_MODIFY"] = "20.11.2026 10:00:00" });
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture, new Dictionary<string, string?>
        {
            ["Sync:Mappings:0:Event"] = "ONTESTITEMUPDATE",
            ["Sync:Mappings:0:Entity"] = "test.item",
            ["Sync:Mappings:0:IdPath"] = "FIELDS.ID",
            ["Sync:Mappings:0:GetMethod"] = "test.item.get",
        });

        var batch = await provider.ResolveAsync(portal, Crm("ONTESTITEMUPDATE", 5));

        Assert.Equal(ChangeAction.Upsert, batch.Single("test.item", 5).Action);
        Assert.Null(batch.Single("test.item", 5).ModifiedAt);
    }

    private static OfflineEvent Order(long dealId) =>
        Event("ONSHOPORDERPAID", new JsonObject { ["ORDER"] = new JsonObject { ["DEAL_ID"] = dealId.ToString(CultureInfo.InvariantCulture) } });
}
