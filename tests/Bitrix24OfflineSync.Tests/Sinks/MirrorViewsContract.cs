using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Sinks.Database.Views;
using Bitrix24OfflineSync.Sinks.Fields;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Persistence;

namespace Bitrix24OfflineSync.Tests.Sinks;

/// <summary>
/// The typed views of the mirror, on the real database: one per synced entity, a column per field of the portals'
/// field lists, typed from the field's type and named by its code; they follow the fields as the portals change them.
/// </summary>
public abstract class MirrorViewsContract(StoreTarget target) : MirrorViewsKit(target)
{
    private static readonly JsonArray OnePhone = [new JsonObject { ["VALUE"] = "+1 555 0100", ["VALUE_TYPE"] = "WORK" }];

    [Fact]
    public async Task TheViews_TypeEachColumnByItsField_ForTheClassicEntitiesASmartProcessAndActivities()
    {
        await StartAsync();
        var portal = World.CreatePortal("views.bitrix24.test");
        var orders = portal.SmartProcesses.AddType("Orders").EntityTypeId;
        var region = portal.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_REGION", "enumeration", "Region", Items: ["North", "South"]));
        portal.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_BUDGET", "money", "Budget"));
        portal.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_SIGNED", "boolean", "Signed"));
        portal.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_DUE", "date", "Due"));
        portal.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_TAGS", "string", "Tags", Multiple: true));
        portal.UserFields.Add($"crm.item.{orders}", new UserFieldDefinition("UF_CRM_5_WEIGHT", "double", "Weight"));
        var company = Add(portal, "company", new JsonObject { ["TITLE"] = "Acme", ["REVENUE"] = "1200000" });
        var contact = Add(portal, "contact", new JsonObject { ["NAME"] = "Ann", ["LAST_NAME"] = "Lee", ["PHONE"] = OnePhone.DeepClone() });
        var deal = Add(portal, "deal", new JsonObject
        {
            ["TITLE"] = "Big one", ["OPPORTUNITY"] = "150.50", ["CLOSEDATE"] = "2026-12-24T00:00:00+03:00", ["COMPANY_ID"] = company,
            ["UF_CRM_REGION"] = region[0].Id, ["UF_CRM_BUDGET"] = "99.90|EUR", ["UF_CRM_SIGNED"] = "1",
            ["UF_CRM_DUE"] = "2026-12-31T00:00:00+03:00", ["UF_CRM_TAGS"] = new JsonArray("a", "b"),
        });
        var lead = Add(portal, "lead", new JsonObject { ["TITLE"] = "Inbound", ["OPPORTUNITY"] = "10" });
        World.CallAsUser(portal, "crm.item.add", new JsonObject
        {
            ["entityTypeId"] = orders,
            ["fields"] = new JsonObject { ["title"] = "Order 1", ["opportunity"] = 75.25, ["ufCrm5Weight"] = 1.5 },
        });
        var activity = long.Parse(World.CallAsUser(portal, "crm.activity.add", new JsonObject
        {
            ["fields"] = new JsonObject
            {
                ["OWNER_TYPE_ID"] = 3, ["OWNER_ID"] = contact, ["TYPE_ID"] = 2, ["SUBJECT"] = "Call Ann", ["COMPLETED"] = "Y",
                ["START_TIME"] = "2026-12-01T10:00:00+03:00", ["COMMUNICATIONS"] = new JsonArray(new JsonObject { ["VALUE"] = "+1 555 0100", ["ENTITY_TYPE_ID"] = 3, ["ENTITY_ID"] = contact }),
            },
        }).Result!.ToString(), CultureInfo.InvariantCulture);

        await InstallAsync(portal);

        Assert.Equal(
            ["b24_crm_activity", "b24_crm_activity_all", "b24_crm_company", "b24_crm_company_all", "b24_crm_contact", "b24_crm_contact_all", "b24_crm_deal", "b24_crm_deal_all",
                $"b24_crm_item_{orders}", $"b24_crm_item_{orders}_all", "b24_crm_item_31", "b24_crm_item_31_all", "b24_crm_lead", "b24_crm_lead_all", "b24_fields", "b24_labels", "b24_task", "b24_task_all"],
            await ViewsAsync());
        var dealColumns = await ColumnsAsync("b24_crm_deal");
        Assert.Equal(["member_id", "id"], dealColumns.Take(2).Select(c => c.Name));
        Assert.Equal(["modified_at", "synced_at", "origin"], dealColumns.TakeLast(3).Select(c => c.Name));
        Assert.Equal(["uf_crm_budget", "uf_crm_due", "uf_crm_region", "uf_crm_signed", "uf_crm_tags"], dealColumns.Where(c => c.Name.StartsWith("uf_", StringComparison.Ordinal)).Select(c => c.Name));
        Assert.Equal([.. dealColumns.Select(c => c.Name), "deleted"], (await ColumnsAsync("b24_crm_deal_all")).Select(c => c.Name));
        if (OnPostgres)
        {
            await AssertTypesAsync("b24_crm_deal", ("id", "bigint"), ("title", "text"), ("opportunity", "numeric"), ("closedate", "date"), ("date_create", "timestamp with time zone"),
                ("is_new", "boolean"), ("stage_id", "text"), ("company_id", "bigint"), ("uf_crm_region", "text"), ("uf_crm_budget", "numeric"), ("uf_crm_signed", "boolean"),
                ("uf_crm_due", "date"), ("uf_crm_tags", "jsonb"), ("modified_at", "timestamp with time zone"), ("origin", "text"));
            await AssertTypesAsync("b24_crm_contact", ("phone", "jsonb"), ("birthdate", "date"), ("photo", "jsonb"), ("has_phone", "boolean"), ("assigned_by_id", "bigint"));
            await AssertTypesAsync("b24_crm_company", ("revenue", "numeric"), ("title", "text"));
            await AssertTypesAsync("b24_crm_lead", ("status_id", "text"), ("opportunity", "numeric"), ("date_closed", "timestamp with time zone"));
            await AssertTypesAsync($"b24_crm_item_{orders}", ("stage_id", "text"), ("opportunity", "numeric"), ("created_time", "timestamp with time zone"), ("begindate", "date"),
                ("opened", "boolean"), ("observers", "jsonb"), ("uf_crm_5_weight", "numeric"));
            await AssertTypesAsync("b24_crm_activity", ("owner_id", "bigint"), ("start_time", "timestamp with time zone"), ("completed", "boolean"), ("communications", "jsonb"), ("settings", "jsonb"));
        }

        var row = await RowAsync("b24_crm_deal", portal, deal);
        Assert.Equal(("Big one", 150.50m, "2026-12-24", true), ((string)row["title"]!, Number(row["opportunity"]), DateText(row["closedate"]), Flag(row["is_new"])));
        Assert.Equal((region[0].Id, 99.90m, true, "2026-12-31"), ((string)row["uf_crm_region"]!, Number(row["uf_crm_budget"]), Flag(row["uf_crm_signed"]), DateText(row["uf_crm_due"])));
        Assert.True(JsonNode.DeepEquals(new JsonArray("a", "b"), JsonNode.Parse((string)row["uf_crm_tags"]!)));
        Assert.Equal(company, Convert.ToInt64(row["company_id"], CultureInfo.InvariantCulture));
        var dealState = portal.Crm.Snapshot(CrmEntityType.Deal).Single(d => d["ID"]!.ToString() == deal.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeOffset.Parse(dealState["DATE_CREATE"]!.ToString(), CultureInfo.InvariantCulture), Time(row["date_create"]));
        Assert.Equal(Time(row["modified_at"]), Time(row["date_modify"]));
        Assert.Equal("load", row["origin"]);

        var phones = JsonNode.Parse((string)(await RowAsync("b24_crm_contact", portal, contact))["phone"]!)!.AsArray();
        Assert.Equal(["+1 555 0100"], phones.Select(p => p!["VALUE"]!.ToString()));
        var item = await RowAsync($"b24_crm_item_{orders}", portal, 1);
        Assert.Equal(("Order 1", 75.25m, 1.5m, true), ((string)item["title"]!, Number(item["opportunity"]), Number(item["uf_crm_5_weight"]), Flag(item["opened"])));
        Assert.Matches("^DT[0-9]+_[0-9]+:NEW$", (string)item["stage_id"]!);
        var call = await RowAsync("b24_crm_activity", portal, activity);
        Assert.Equal((contact, true, "Call Ann"), (Convert.ToInt64(call["owner_id"], CultureInfo.InvariantCulture), Flag(call["completed"]), (string)call["subject"]!));
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T10:00:00+03:00", CultureInfo.InvariantCulture), Time(call["start_time"]));
        Assert.Equal(10m, Number((await RowAsync("b24_crm_lead", portal, lead))["opportunity"]));
    }

    [Fact]
    public async Task TwoPortalsWithDifferentUserFields_ShareOneViewWithTheFieldsOfBoth_AndEachTitlesItsOwn()
    {
        await StartAsync();
        var north = World.CreatePortal("north.bitrix24.test");
        var south = World.CreatePortal("south.bitrix24.test");
        north.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_REGION", "string", "Region"));
        south.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_REGION", "string", "Area"));
        south.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_SEATS", "integer", "Seats"));
        var northDeal = Add(north, "deal", new JsonObject { ["TITLE"] = "north deal", ["UF_CRM_REGION"] = "N" });
        var southDeal = Add(south, "deal", new JsonObject { ["TITLE"] = "south deal", ["UF_CRM_REGION"] = "S", ["UF_CRM_SEATS"] = "12" });

        await InstallAsync(north);
        await InstallAsync(south);

        await Wait.UntilPassesAsync(async () => Assert.Contains("uf_crm_seats", (await ColumnsAsync("b24_crm_deal")).Select(c => c.Name)));
        var northRow = await RowAsync("b24_crm_deal", north, northDeal);
        var southRow = await RowAsync("b24_crm_deal", south, southDeal);
        Assert.Equal(("N", null), ((string)northRow["uf_crm_region"]!, northRow["uf_crm_seats"]));
        Assert.Equal(("S", 12L), ((string)southRow["uf_crm_region"]!, Convert.ToInt64(southRow["uf_crm_seats"], CultureInfo.InvariantCulture)));
        var titles = await Target.RowsAsync("SELECT member_id, column_name, title FROM b24_fields WHERE entity = 'crm.deal' AND code LIKE 'UF%' ORDER BY column_name, title");
        Assert.Equal(
            [(south.MemberId, "uf_crm_region", "Area"), (north.MemberId, "uf_crm_region", "Region"), (south.MemberId, "uf_crm_seats", "Seats")],
            titles.Select(t => ((string)t["member_id"]!, (string)t["column_name"]!, (string)t["title"]!)));
        if (OnPostgres)
        {
            // The comment is the title most portals give; one each, the first by name.
            Assert.Equal(("Area", "Seats", "Stage"), (await CommentAsync("b24_crm_deal", "uf_crm_region"), await CommentAsync("b24_crm_deal", "uf_crm_seats"), await CommentAsync("b24_crm_deal", "stage_id")));
        }
    }

    [Fact]
    public async Task AFieldAddedAndOneRemovedOnThePortal_ChangeTheViewAfterTheNextCheck()
    {
        await StartAsync(new Dictionary<string, string?> { ["Sync:ReconcileInterval"] = "00:00:01", ["Sync:PollInterval"] = "00:00:00.500" });
        var portal = World.CreatePortal("changing.bitrix24.test");
        portal.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_OLD", "string", "Old"));
        var deal = Add(portal, "deal", new JsonObject { ["TITLE"] = "changing", ["UF_CRM_OLD"] = "was" });
        await InstallAsync(portal);
        Assert.Contains("uf_crm_old", (await ColumnsAsync("b24_crm_deal")).Select(c => c.Name));

        portal.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_NEW", "double", "New"));
        Assert.True(portal.UserFields.Remove("crm.deal", "UF_CRM_OLD"));
        Update(portal, "deal", deal, new JsonObject { ["UF_CRM_NEW"] = "2.5" });

        await Wait.UntilPassesAsync(async () =>
        {
            var columns = (await ColumnsAsync("b24_crm_deal")).Select(c => c.Name).ToList();
            Assert.Contains("uf_crm_new", columns);
            Assert.DoesNotContain("uf_crm_old", columns);
            Assert.Equal(2.5m, Number((await RowAsync("b24_crm_deal", portal, deal))["uf_crm_new"]));
        });
        Assert.Contains(Fixture.Service.Logs.Of(1326), e => e["Changed"] == "True");
        Assert.Contains(Fixture.Service.Logs.Of(1520), _ => true);
    }

    [Fact]
    public async Task APortalUninstalledWithItsDataCleaned_TakesItsFieldsOutOfTheViews_AndTheOthersStay()
    {
        await StartAsync();
        var leaving = World.CreatePortal("leaving.bitrix24.test");
        var staying = World.CreatePortal("staying.bitrix24.test");
        leaving.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_LEAVING", "string", "Leaving"));
        staying.UserFields.Add("crm.deal", new UserFieldDefinition("UF_CRM_STAYING", "string", "Staying"));
        await InstallAsync(leaving);
        await InstallAsync(staying);
        await Wait.UntilPassesAsync(async () => Assert.Contains("uf_crm_leaving", (await ColumnsAsync("b24_crm_deal")).Select(c => c.Name)));

        using var answer = await Fixture.Service.Http.PostAsync(Fixture.Service.EventsUrl, Infrastructure.EventForms.Form(
            ("event", "ONAPPUNINSTALL"), ("data[CLEAN]", "1"), ("auth[domain]", leaving.Domain), ("auth[member_id]", leaving.MemberId),
            ("auth[application_token]", leaving.Installation(World.DefaultApp)!.ApplicationToken)), Ct);

        Assert.True(answer.IsSuccessStatusCode);
        await Wait.UntilPassesAsync(async () =>
        {
            var columns = (await ColumnsAsync("b24_crm_deal")).Select(c => c.Name).ToList();
            Assert.DoesNotContain("uf_crm_leaving", columns);
            Assert.Contains("uf_crm_staying", columns);
        });
        Assert.Equal(0, await Target.ScalarAsync($"SELECT COUNT(*) FROM b24_fields WHERE member_id = '{leaving.MemberId}'"));
        Assert.True(await Target.ScalarAsync($"SELECT COUNT(*) FROM b24_fields WHERE member_id = '{staying.MemberId}'") > 0);
    }

    [Fact]
    public async Task WhileTheViewsAreReplaced_AQueryFindsTheOldViewsOrTheNew_NeverNoneOrHalf()
    {
        await StartAsync();
        var store = Fixture.Service.Get<IPortalFieldStore>();
        var views = Fixture.Service.Get<MirrorViews>();
        PortalField Field(string code, string type = "string") => new(code, code, code, type, code, false, false, false);
        Task SaveAsync(int round) => store.SaveAsync(
            "m1",
            [new EntityFields("crm.deal", [Field("ID", "integer"), Field("TITLE"), Field($"UF_CRM_ROUND_{round}")], []), new EntityFields("crm.lead", [Field("ID", "integer"), Field($"UF_CRM_ROUND_{round}")], [])],
            [],
            DateTimeOffset.UnixEpoch,
            Ct);
        await SaveAsync(0);
        await views.RefreshAsync(Ct);
        var failures = new List<Exception>();
        var reads = 0;
        using var done = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                try
                {
                    // Both views of one build have the same round's column, whichever build the query sees.
                    Assert.Single(await Target.RowsAsync(
                        "SELECT (SELECT COUNT(*) FROM b24_crm_deal) AS deals, (SELECT COUNT(*) FROM b24_crm_lead) AS leads, (SELECT MAX(column_name) FROM b24_fields WHERE code LIKE 'UF%') AS last"));
                    Interlocked.Increment(ref reads);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    lock (failures)
                    {
                        failures.Add(ex);
                    }
                }
            }
        }, Ct);

        for (var round = 1; round <= 12; round++)
        {
            await SaveAsync(round);
            Assert.True(await views.RefreshAsync(Ct));
        }

        await Wait.UntilAsync(() => Volatile.Read(ref reads) > 12, "the reader has read while the views changed");
        await done.CancelAsync();
        await reader;

        Assert.Empty(failures);
        var columns = (await ColumnsAsync("b24_crm_lead")).Select(c => c.Name).ToList();
        Assert.Contains("uf_crm_round_12", columns);
        Assert.DoesNotContain("uf_crm_round_11", columns);
        Assert.False(await views.RefreshAsync(Ct));
    }

    [Fact]
    public async Task FieldCodesWithOddCharacters_AreQuotedOrMapped_AndEachReadsItsOwnValue()
    {
        await StartAsync();
        var portal = World.CreatePortal("odd.bitrix24.test");
        string[] codes =
        [
            "UF_CRM_WITH SPACE", "UF_CRM_\"QUOTED\"", "UF_CRM_'APOS'", "UF_CRM_X\"; DROP TABLE mirror; --", "UF_CRM_BACK\\SLASH",
            "UF_CRM_" + new string('L', 80), "UF_CRM_" + new string('L', 80) + "_TWIN", "UF_CRM_CASE", "UF_CRM_case", "UF_CRM_ÜMLAUT",
        ];
        var fields = new JsonObject { ["TITLE"] = "odd" };
        foreach (var (code, i) in codes.Select((c, i) => (c, i)))
        {
            portal.UserFields.Add("crm.deal", new UserFieldDefinition(code, "string", $"Label {i}"));
            fields[code] = $"value {i}";
        }

        var deal = Add(portal, "deal", fields);

        await InstallAsync(portal);

        var columns = (await Target.RowsAsync("SELECT code, column_name FROM b24_fields WHERE entity = 'crm.deal'"))
            .ToDictionary(r => (string)r["code"]!, r => (string)r["column_name"]!, StringComparer.Ordinal);
        Assert.Equal(columns.Count, columns.Values.Distinct(StringComparer.Ordinal).Count());
        Assert.All(columns.Values, c => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(c), 1, 63));
        Assert.Equal("uf_crm_with space", columns["UF_CRM_WITH SPACE"]);
        Assert.Equal("uf_crm_\"quoted\"", columns["UF_CRM_\"QUOTED\""]);
        Assert.Equal("id", columns["ID"]);
        Assert.Equal("uf_crm_case", columns["UF_CRM_CASE"]);
        Assert.Matches("^uf_crm_case_[0-9a-f]{8}$", columns["UF_CRM_case"]);
        Assert.Matches("^uf_crm_l+_[0-9a-f]{8}$", columns["UF_CRM_" + new string('L', 80)]);
        var row = await Target.RowsAsync($"SELECT * FROM b24_crm_deal WHERE id = {deal.ToString(CultureInfo.InvariantCulture)}");
        foreach (var (code, i) in codes.Select((c, i) => (c, i)))
        {
            Assert.Equal($"value {i}", Assert.Single(row)[columns[code]]);
        }

        Assert.Equal(1, await Target.ScalarAsync("SELECT COUNT(*) FROM mirror WHERE entity = 'crm.deal'"));
    }

    [Fact]
    public async Task ValuesThatAreNotWhatTheirTypeSays_ReadAsNull_AndNeverFailAQuery()
    {
        await StartAsync();
        var portal = World.CreatePortal("messy.bitrix24.test");
        (string Code, string Type)[] typed = [("UF_CRM_INT", "integer"), ("UF_CRM_NUM", "double"), ("UF_CRM_MONEY", "money"), ("UF_CRM_DAY", "date"), ("UF_CRM_AT", "datetime"), ("UF_CRM_YES", "boolean")];
        foreach (var (code, type) in typed)
        {
            portal.UserFields.Add("crm.deal", new UserFieldDefinition(code, type, code));
        }

        var good = Add(portal, "deal", new JsonObject
        {
            ["UF_CRM_INT"] = " 42 ", ["UF_CRM_NUM"] = "-1.5e2", ["UF_CRM_MONEY"] = "1000|USD", ["UF_CRM_DAY"] = "2024-02-29T00:00:00+03:00",
            ["UF_CRM_AT"] = "2024-07-18T12:32:31+02:00", ["UF_CRM_YES"] = "Y",
        });
        string[][] badValues =
        [
            ["12abc", "1.2.3", "|USD", "2024-02-30T00:00:00+03:00", "not a time", "maybe"],
            ["99999999999999999999", "abc", "", "2023-13-01", "2024-07-18T25:00:00+02:00", "2"],
            ["{\"a\":1}", "[1]", "USD|12", "0000-01-01", "2024-07-18T12:32:31+99:00", "yes"],
        ];
        var bad = badValues.Select(values => Add(portal, "deal", new JsonObject(typed.Select((t, i) => KeyValuePair.Create(t.Code, (JsonNode?)values[i]))))).ToList();

        await InstallAsync(portal);

        var all = await Target.RowsAsync("SELECT * FROM b24_crm_deal ORDER BY id");
        Assert.Equal(4, all.Count);
        var first = all.Single(r => Convert.ToInt64(r["id"], CultureInfo.InvariantCulture) == good);
        Assert.Equal((42L, -150m, 1000m, "2024-02-29", true), (Convert.ToInt64(first["uf_crm_int"], CultureInfo.InvariantCulture), Number(first["uf_crm_num"]), Number(first["uf_crm_money"]), DateText(first["uf_crm_day"]), Flag(first["uf_crm_yes"])));
        Assert.Equal(DateTimeOffset.Parse("2024-07-18T10:32:31Z", CultureInfo.InvariantCulture), Time(first["uf_crm_at"]));
        foreach (var row in all.Where(r => bad.Contains(Convert.ToInt64(r["id"], CultureInfo.InvariantCulture))))
        {
            Assert.All(typed.Select(t => t.Code.ToLowerInvariant()), column => Assert.Null(row[column]));
        }

        Assert.Equal(3, await Target.ScalarAsync("SELECT COUNT(*) FROM b24_crm_deal WHERE uf_crm_int IS NULL AND uf_crm_at IS NULL"));
    }

    private async Task AssertTypesAsync(string view, params (string Column, string Type)[] expected)
    {
        var types = (await ColumnsAsync(view)).ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        Assert.All(expected, e => Assert.Equal((e.Column, e.Type), (e.Column, types.GetValueOrDefault(e.Column))));
    }

    private async Task<string?> CommentAsync(string view, string column) =>
        (string?)Assert.Single(await Target.RowsAsync(
            $"SELECT col_description(a.attrelid, a.attnum) AS comment FROM pg_attribute a WHERE a.attrelid = '{view}'::regclass AND a.attname = '{column}'"))["comment"];

    private static string DateText(object? value) => value switch
    {
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => (string)value!,
    };

    private static bool Flag(object? value) => Convert.ToBoolean(value, CultureInfo.InvariantCulture);

    private static DateTimeOffset? Time(object? value) => value switch
    {
        null => null,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        _ => DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
    };
}
