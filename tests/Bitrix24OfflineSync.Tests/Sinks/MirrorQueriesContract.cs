using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Sync.Passes;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.Tests.Persistence;

namespace Bitrix24OfflineSync.Tests.Sinks;

/// <summary>
/// What a user of the views meets: the docs' example queries, run as written in docs/query-the-mirror.md, answer
/// what the portal holds; labels show what the portal shows; a NUL in a text reaches the mirror exactly; and reading
/// the field lists costs one request per portal per read.
/// </summary>
public abstract partial class MirrorQueriesContract(StoreTarget target) : MirrorViewsKit(target)
{
    private static readonly string[] FieldMethods =
        ["crm.deal.fields", "crm.contact.fields", "crm.company.fields", "crm.lead.fields", "crm.item.fields", "crm.activity.fields", "tasks.task.getFields", "crm.status.list"];

    [Fact]
    public async Task TheExampleQueriesOfTheDocs_ReturnTheExpectedRows()
    {
        await StartAsync();
        var portal = World.CreatePortal("report.bitrix24.test");
        var today = DateOnly.Parse(await TodayAsync(), CultureInfo.InvariantCulture);
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddDays(-1);
        portal.Statuses.Add("DEAL_STAGE_2", "C2:NEW", "Wholesale inquiry");
        portal.Statuses.Add("DEAL_STAGE_2", "C2:WON", "Won wholesale", "S");
        var region = portal.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_REGION", "enumeration", "Region", Items: ["North", "South"]));
        var acme = Add(portal, "company", new JsonObject { ["TITLE"] = "Acme" });
        var globex = Add(portal, "company", new JsonObject { ["TITLE"] = "Globex" });
        JsonObject Deal(string stage, string amount, DateOnly closes, long company, string? regionId = null, int category = 0)
        {
            var deal = new JsonObject
            {
                ["TITLE"] = $"{stage} {amount}", ["STAGE_ID"] = stage, ["CATEGORY_ID"] = category, ["OPPORTUNITY"] = amount, ["COMPANY_ID"] = company,
                ["CLOSEDATE"] = closes.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00+03:00",
            };
            if (regionId is not null)
            {
                deal["UF_CRM_REGION"] = regionId;
            }

            return deal;
        }

        Add(portal, "deal", Deal("WON", "100", today, acme, region[0].Id));
        Add(portal, "deal", Deal("WON", "50.50", today, globex));
        Add(portal, "deal", Deal("C2:WON", "200", today, globex, category: 2));
        Add(portal, "deal", Deal("LOSE", "999", today, acme));
        Add(portal, "deal", Deal("WON", "70", lastMonth, acme));
        var gone = Add(portal, "deal", Deal("WON", "30", today, acme));
        Add(portal, "deal", Deal("NEW", "10", today, acme, region[0].Id));
        Add(portal, "deal", Deal("PREPARATION", "20", today, acme));
        Add(portal, "deal", Deal("C2:NEW", "5", today, globex, region[1].Id, category: 2));
        var ann = Add(portal, "contact", new JsonObject
        {
            ["NAME"] = "Ann", ["LAST_NAME"] = "Lee",
            ["PHONE"] = new JsonArray(new JsonObject { ["VALUE"] = "+1 555 0100", ["VALUE_TYPE"] = "WORK" }, new JsonObject { ["VALUE"] = "+1 555 0199", ["VALUE_TYPE"] = "MOBILE" }),
        });
        Add(portal, "contact", new JsonObject { ["NAME"] = "Bob", ["LAST_NAME"] = "Roe" });
        var cy = Add(portal, "contact", new JsonObject { ["NAME"] = "Cy", ["LAST_NAME"] = "Doe", ["PHONE"] = new JsonArray(new JsonObject { ["VALUE"] = "+44 20 7946 0000", ["VALUE_TYPE"] = "HOME" }) });
        await InstallAsync(portal);
        World.CallAsUser(portal, "crm.deal.delete", new JsonObject { ["id"] = gone });
        await Fixture.WaitUntilDrainedAsync(portal);

        var queries = ExampleQueries(OnPostgres ? "postgres" : "sqlite");
        Assert.Equal(3, queries.Count);
        var won = await Target.RowsAsync(queries[0]);
        var phones = await Target.RowsAsync(queries[1]);
        var open = await Target.RowsAsync(queries[2]);

        Assert.Equal([("Won wholesale", 1L, 200m), ("Deal won", 2L, 150.50m)], won.Select(r => ((string)r["stage"]!, Convert.ToInt64(r["deals"], CultureInfo.InvariantCulture), Number(r["amount"]))));
        Assert.Equal(
            [(ann, "+1 555 0100", "WORK"), (ann, "+1 555 0199", "MOBILE"), (cy, "+44 20 7946 0000", "HOME")],
            phones.Select(r => (Convert.ToInt64(r["id"], CultureInfo.InvariantCulture), (string)r["phone"]!, (string)r["kind"]!)));
        Assert.Equal(
            new[] { ("Acme", "(none)", 1L, 20m), ("Acme", "North", 1L, 10m), ("Globex", "South", 1L, 5m) }.Order(),
            open.Select(r => ((string)r["company"]!, (string)r["region"]!, Convert.ToInt64(r["deals"], CultureInfo.InvariantCulture), Number(r["amount"]))).Order());
    }

    [Fact]
    public async Task TheLabels_NameEveryPipelinesStagesAndEachListItem_ByViewAndColumn()
    {
        await StartAsync();
        var portal = World.CreatePortal("labels.bitrix24.test");
        portal.Statuses.AddDealCategory(3);
        var orders = portal.SmartProcesses.AddType("Orders");
        var size = portal.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_SIZE", "enumeration", "Size", Items: ["Small", "Large"]));

        await InstallAsync(portal);

        var labels = (await Target.RowsAsync($"SELECT view_name, column_name, code, value, label FROM b24_labels WHERE member_id = '{portal.MemberId}'"))
            .Select(r => ((string)r["view_name"]!, (string)r["column_name"]!, (string)r["value"]!, (string)r["label"]!))
            .ToHashSet();
        Assert.Contains(("b24_crm_deal", "stage_id", "WON", "Deal won"), labels);
        Assert.Contains(("b24_crm_deal", "stage_id", "C3:WON", "Deal won"), labels);
        Assert.Contains(("b24_crm_deal", "source_id", "CALL", "Call"), labels);
        Assert.Contains(("b24_crm_deal", "uf_crm_size", size[1].Id, "Large"), labels);
        Assert.Contains(("b24_crm_lead", "status_id", "CONVERTED", "Good lead"), labels);
        Assert.Contains(($"b24_crm_item_{orders.EntityTypeId}", "stage_id", orders.DefaultStageId, "New"), labels);
        Assert.Contains(("b24_task", "priority", "2", "High"), labels);
        Assert.DoesNotContain(labels, l => l.Item1 == "b24_crm_contact" && l.Item2 == "stage_id");
    }

    [Fact]
    public async Task ATextHoldingANulCharacter_ReachesTheMirrorExactly_AndTheViewShowsItAsAReplacementCharacter()
    {
        await StartAsync();
        var portal = World.CreatePortal("nul.bitrix24.test");
        var deal = Add(portal, "deal", new JsonObject { ["TITLE"] = "loaded\0title" });
        await InstallAsync(portal);
        Update(portal, "deal", deal, new JsonObject { ["COMMENTS"] = "changed\0later" });
        await Fixture.WaitUntilDrainedAsync(portal);

        var mirrored = (await Fixture.Service.Get<IMirrorStore>().FindAsync(portal.MemberId, "crm.deal", deal.ToString(CultureInfo.InvariantCulture), Ct))!;
        var source = portal.Crm.Snapshot(CrmEntityType.Deal).Single();
        Assert.True(JsonNode.DeepEquals(source, JsonNode.Parse(mirrored.State!)), mirrored.State);
        Assert.Equal("changed\0later", JsonNode.Parse(mirrored.State!)!["COMMENTS"]!.GetValue<string>());
        var row = await RowAsync("b24_crm_deal", portal, deal);
        Assert.Equal(("loaded\uFFFDtitle", "changed\uFFFDlater"), ((string)row["title"]!, (string)row["comments"]!));
    }

    [Fact]
    public async Task ReadingTheFields_TakesOneRequestPerPortalPerRead()
    {
        await StartAsync();
        var portal = World.CreatePortal("cost.bitrix24.test");
        portal.SmartProcesses.AddType("Orders");
        portal.SmartProcesses.AddType("Shipments");
        portal.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_REGION", "string", "Region"));
        await InstallAsync(portal);

        var atLoad = FieldCalls(portal);
        await Fixture.Service.Get<PassPlanner>().ResyncAsync(portal.MemberId, FieldDiscovery.Entity, Ct);
        await Fixture.Service.Get<Bitrix24OfflineSync.Portals.IPortalSyncState>().SignalAsync(portal.MemberId, Ct);
        await Bitrix24OfflineSync.TestKit.Wait.UntilAsync(() => FieldCalls(portal).Select(c => c.RequestId).Distinct().Count() > 1, "the fields are read again");

        // Every field list (4 classic entities, 2 smart processes and the invoices, activities, tasks) and the statuses.
        Assert.Equal(FieldMethods.Select(m => m.ToLowerInvariant()).Order(), atLoad.Select(c => c.Method).Distinct().Order());
        Assert.Equal(10, atLoad.Count);
        Assert.Single(atLoad.Select(c => c.RequestId).Distinct());
        Assert.All(atLoad, c => Assert.True(c.InBatch));
        Assert.Equal(2, FieldCalls(portal).Select(c => c.RequestId).Distinct().Count());
    }

    /// <summary>The docs' example queries for one provider, in order: the code blocks marked <c>sql postgres</c> or <c>sql sqlite</c>.</summary>
    private static List<string> ExampleQueries(string provider)
    {
        var docs = File.ReadAllText(Repository.File("docs/query-the-mirror.md"));
        return [.. CodeBlock().Matches(docs).Where(m => m.Groups["tag"].Value == provider).Select(m => m.Groups["sql"].Value)];
    }

    private async Task<string> TodayAsync() =>
        (string)Assert.Single(await Target.RowsAsync(OnPostgres ? "SELECT CAST(current_date AS text) AS today" : "SELECT date('now') AS today"))["today"]!;

    private static List<Bitrix24OfflineSync.Emulator.Diagnostics.CallLogEntry> FieldCalls(Bitrix24OfflineSync.Emulator.Portals.EmulatedPortal portal) =>
        [.. portal.Stats.CallLog.Where(c => FieldMethods.Contains(c.Method, StringComparer.OrdinalIgnoreCase))];

    [GeneratedRegex("```sql (?<tag>postgres|sqlite)\\n(?<sql>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
