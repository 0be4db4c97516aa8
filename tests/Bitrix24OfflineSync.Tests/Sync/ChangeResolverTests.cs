using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Model;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using static Bitrix24OfflineSync.Tests.Sync.ResolutionKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Sync;

public sealed class ChangeResolverTests
{
    [Fact]
    public async Task EachBuiltInEntity_ResolvesToTheEmulatorsCurrentObject()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture);
        var deal = fixture.AddCrm(portal, "deal", new JsonObject { ["TITLE"] = "Boiler", ["OPPORTUNITY"] = "1200" });
        var contact = fixture.AddCrm(portal, "contact", new JsonObject { ["NAME"] = "Ann", ["PHONE"] = Phone("+100200") });
        var company = fixture.AddCrm(portal, "company", new JsonObject { ["TITLE"] = "Acme", ["EMAIL"] = new JsonArray(new JsonObject { ["VALUE"] = "a@acme.test", ["VALUE_TYPE"] = "WORK" }) });
        var lead = fixture.AddCrm(portal, "lead", new JsonObject { ["TITLE"] = "Inbound", ["UF_CRM_SOURCE"] = "fair" });
        var task = fixture.AddTask(portal, "Call back");
        var events = new[] { Crm("ONCRMDEALADD", deal), Crm("ONCRMCONTACTUPDATE", contact), Crm("ONCRMCOMPANYADD", company), Crm("ONCRMLEADUPDATE", lead), Task("ONTASKUPDATE", task) };

        var batch = await provider.ResolveAsync(portal, events);

        Assert.Empty(batch.Failures);
        Assert.Equal(5, batch.Changes.Count);
        Assert.All(batch.Changes, c => Assert.Equal(ChangeAction.Upsert, c.Action));
        AssertMirrors(portal.Crm.Snapshot(CrmEntityType.Deal).Single(), batch.Single("crm.deal", deal), "DATE_MODIFY");
        AssertMirrors(portal.Crm.Snapshot(CrmEntityType.Contact).Single(), batch.Single("crm.contact", contact), "DATE_MODIFY");
        AssertMirrors(portal.Crm.Snapshot(CrmEntityType.Company).Single(), batch.Single("crm.company", company), "DATE_MODIFY");
        AssertMirrors(portal.Crm.Snapshot(CrmEntityType.Lead).Single(), batch.Single("crm.lead", lead), "DATE_MODIFY");
        AssertMirrors(portal.Tasks.Snapshot().Single(), batch.Single("task", task), "changedDate");
        Assert.Equal("+100200", batch.Single("crm.contact", contact).State!["PHONE"]![0]!["VALUE"]!.GetValue<string>());
        Assert.Equal("fair", batch.Single("crm.lead", lead).State!["UF_CRM_SOURCE"]!.GetValue<string>());
        Assert.Equal(["ONCRMDEALADD"], batch.Single("crm.deal", deal).Events);
        Assert.Equal([events[0].MessageId], batch.Single("crm.deal", deal).MessageIds);
    }

    [Fact]
    public async Task ContactListsSelectTheMultiFields_DealListsDoNot()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture);
        var selects = new Dictionary<string, string[]>();
        foreach (var method in (string[])["crm.deal.list", "crm.contact.list"])
        {
            var original = fixture.World.Methods.Find(method)!;
            fixture.World.Methods.Add(method, original.Scope, ctx =>
            {
                lock (selects)
                {
                    selects[method] = Strings(ctx.Param("select"));
                }

                return original.Handler(ctx);
            });
        }

        var deal = fixture.AddCrm(portal, "deal", new JsonObject { ["TITLE"] = "Boiler" });
        var contact = fixture.AddCrm(portal, "contact", new JsonObject { ["NAME"] = "Ann", ["PHONE"] = Phone("+1") });

        await provider.ResolveAsync(portal, Crm("ONCRMDEALUPDATE", deal), Crm("ONCRMCONTACTUPDATE", contact));

        Assert.Equal(["*", "UF_*"], selects["crm.deal.list"]);
        Assert.Equal(["*", "UF_*", "PHONE", "EMAIL", "WEB", "IM"], selects["crm.contact.list"]);
    }

    [Fact]
    public async Task ADeleteEvent_BecomesATombstoneWithoutAnyRequest()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture);
        var requests = portal.Stats.Requests;

        var batch = await provider.ResolveAsync(portal, Crm("ONCRMDEALDELETE", 41), Task("ONTASKDELETE", 7));

        Assert.Equal(requests, portal.Stats.Requests);
        Assert.Empty(batch.Failures);
        Assert.All(batch.Changes, c => Assert.Equal(ChangeAction.Delete, c.Action));
        Assert.All(batch.Changes, c => Assert.Null(c.State));
        Assert.Equal(["ONCRMDEALDELETE"], batch.Single("crm.deal", 41).Events);
        Assert.Equal(["ONTASKDELETE"], batch.Single("task", 7).Events);
    }

    [Fact]
    public async Task AnUpdateOfAnObjectDeletedSince_BecomesATombstone()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture);
        var deal = fixture.AddCrm(portal, "deal", new JsonObject { ["TITLE"] = "Gone soon" });
        var task = fixture.AddTask(portal, "Gone soon");
        fixture.World.CallAsUser(portal, "crm.deal.delete", new JsonObject { ["id"] = deal });
        fixture.World.CallAsUser(portal, "tasks.task.delete", new JsonObject { ["taskId"] = task });

        var batch = await provider.ResolveAsync(portal, Crm("ONCRMDEALUPDATE", deal), Task("ONTASKUPDATE", task));

        Assert.Empty(batch.Failures);
        Assert.Equal(ChangeAction.Delete, batch.Single("crm.deal", deal).Action);
        Assert.Equal(ChangeAction.Delete, batch.Single("task", task).Action);
        Assert.Null(batch.Single("task", task).State);
    }

    [Fact]
    public async Task AddUpdateAndDeleteOfOneObject_BecomeOneTombstone_ListingEveryEventAndRow()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture);
        var events = new[] { Crm("ONCRMLEADADD", 9), Crm("ONCRMLEADUPDATE", 9), Crm("ONCRMLEADDELETE", 9, idAsString: true) };
        var requests = portal.Stats.Requests;

        var batch = await provider.ResolveAsync(portal, events);

        var change = Assert.Single(batch.Changes);
        Assert.Equal(new ObjectKey("crm.lead", "9"), change.Key);
        Assert.Equal(ChangeAction.Delete, change.Action);
        Assert.Equal(["ONCRMLEADADD", "ONCRMLEADUPDATE", "ONCRMLEADDELETE"], change.Events);
        Assert.Equal(events.Select(e => e.MessageId), change.MessageIds);
        Assert.Equal(requests, portal.Stats.Requests);
    }

    [Fact]
    public async Task EventsOfOneObject_WithNumberAndStringIds_BecomeOneFetchedChange()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture);
        var deal = fixture.AddCrm(portal, "deal", new JsonObject { ["TITLE"] = "Boiler" });
        var events = new[] { Crm("ONCRMDEALADD", deal), Crm("ONCRMDEALUPDATE", deal, idAsString: true) };

        var batch = await provider.ResolveAsync(portal, events);

        var change = Assert.Single(batch.Changes);
        Assert.Equal(ChangeAction.Upsert, change.Action);
        Assert.Equal(["ONCRMDEALADD", "ONCRMDEALUPDATE"], change.Events);
        Assert.Equal(events.Select(e => e.MessageId), change.MessageIds);
    }

    [Fact]
    public async Task ABacklogOf120Deals60ContactsAnd30Tasks_IsFetchedInOneRequest()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture);
        var events = new List<OfflineEvent>();
        for (var i = 0; i < 120; i++)
        {
            events.Add(Crm("ONCRMDEALUPDATE", fixture.AddCrm(portal, "deal", new JsonObject { ["TITLE"] = $"Deal {i}", ["UF_CRM_ROW"] = i })));
        }

        for (var i = 0; i < 60; i++)
        {
            events.Add(Crm("ONCRMCONTACTADD", fixture.AddCrm(portal, "contact", new JsonObject { ["NAME"] = $"Contact {i}", ["PHONE"] = Phone($"+{i}") })));
        }

        for (var i = 0; i < 30; i++)
        {
            events.Add(Task("ONTASKADD", fixture.AddTask(portal, $"Task {i}")));
        }

        var requests = portal.Stats.Requests;

        var batch = await provider.ResolveAsync(portal, [.. events]);

        Assert.Equal(1, portal.Stats.Requests - requests);
        Assert.Empty(batch.Failures);
        Assert.Equal(210, batch.Changes.Count);
        AssertAllMirror(batch, "crm.deal", portal.Crm.Snapshot(CrmEntityType.Deal));
        AssertAllMirror(batch, "crm.contact", portal.Crm.Snapshot(CrmEntityType.Contact));
        AssertAllMirror(batch, "task", portal.Tasks.Snapshot());
    }

    [Fact]
    public async Task MoreThan2500Objects_TakeTwoRequests()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture);
        var events = Enumerable.Range(0, 2501)
            .Select(i => Crm("ONCRMDEALADD", fixture.AddCrm(portal, "deal", new JsonObject { ["TITLE"] = $"Deal {i}" })))
            .ToArray();
        var requests = portal.Stats.Requests;

        var batch = await provider.ResolveAsync(portal, events);

        Assert.Equal(2, portal.Stats.Requests - requests);
        Assert.Empty(batch.Failures);
        Assert.Equal(2501, batch.Changes.Count(c => c.Action == ChangeAction.Upsert));
    }

    [Fact]
    public async Task AnUnmappedEvent_IsDeliveredAsWhatItIs()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture);
        var data = new JsonObject { ["FIELDS"] = new JsonObject { ["ID"] = 5, ["ENTITY_ID"] = "CRM_DEAL" } };
        var unmapped = Event("ONCRMDEALUSERFIELDUPDATE", data, "2026-11-22T12:30:00+03:00");
        var requests = portal.Stats.Requests;

        var batch = await provider.ResolveAsync(portal, unmapped);

        var change = Assert.Single(batch.Changes);
        Assert.Equal(new ObjectKey("event", unmapped.MessageId), change.Key);
        Assert.Equal(ChangeAction.Event, change.Action);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["event"] = "ONCRMDEALUSERFIELDUPDATE", ["data"] = data.DeepClone() }, change.State));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.Zero), change.ModifiedAt);
        Assert.Equal(["ONCRMDEALUSERFIELDUPDATE"], change.Events);
        Assert.Equal([unmapped.MessageId], change.MessageIds);
        Assert.Equal(requests, portal.Stats.Requests);
    }

    [Fact]
    public async Task AnEventWhoseIdCannotBeRead_IsAnItemFailure_WhileTheRestResolves()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture);
        var deal = fixture.AddCrm(portal, "deal", new JsonObject { ["TITLE"] = "Fine" });
        var broken = Event("ONCRMDEALUPDATE", new JsonObject { ["FIELDS"] = new JsonObject { ["ID"] = false } });

        var batch = await provider.ResolveAsync(portal, broken, Crm("ONCRMDEALUPDATE", deal));

        var failure = Assert.Single(batch.Failures);
        Assert.Equal([broken.MessageId], failure.MessageIds);
        Assert.Contains("FIELDS.ID", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(ChangeAction.Upsert, batch.Single("crm.deal", deal).Action);
    }

    [Fact]
    public async Task TheFetchTime_IsTheClockBeforeTheRequest_AndDeleteTombstonesAreStampedNow()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        var clock = new FakeTimeProvider(TestClock.Start);
        using var provider = Provider(fixture, time: clock);
        var deal = fixture.AddCrm(portal, "deal", new JsonObject { ["TITLE"] = "Boiler" });
        var first = clock.GetUtcNow();

        var before = await provider.ResolveAsync(portal, Crm("ONCRMDEALUPDATE", deal));
        clock.Advance(TimeSpan.FromMinutes(1));
        var after = await provider.ResolveAsync(portal, Crm("ONCRMDEALUPDATE", deal), Crm("ONCRMCONTACTDELETE", 3));

        Assert.Equal(first, before.Single("crm.deal", deal).FetchedAt);
        Assert.Equal(first.AddMinutes(1), after.Single("crm.deal", deal).FetchedAt);
        Assert.Equal(first.AddMinutes(1), after.Single("crm.contact", 3).FetchedAt);
    }

    [Fact]
    public async Task ATransientFailure_IsThrown()
    {
        await using var fixture = await IntakeFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Bitrix24:Resilience:BaseDelay"] = "00:00:00.010",
            ["Bitrix24:Resilience:MaxDelay"] = "00:00:00.050",
            ["Bitrix24:Resilience:BreakerFailureRatio"] = "0.9",
        });
        var (portal, _) = await fixture.InstallAsync();
        using var provider = Provider(fixture);
        var deal = fixture.AddCrm(portal, "deal", new JsonObject { ["TITLE"] = "Boiler" });
        portal.Faults.ServerErrorRate = 1;

        await Assert.ThrowsAsync<BitrixUnavailableException>(() => provider.ResolveAsync(portal, Crm("ONCRMDEALUPDATE", deal)));
    }

    internal static JsonArray Phone(string value) => new(new JsonObject { ["VALUE"] = value, ["VALUE_TYPE"] = "WORK" });

    internal static string[] Strings(JsonNode? node) => node switch
    {
        JsonArray list => [.. list.Select(n => n!.ToString())],
        JsonObject map => [.. map.Select(p => p.Value!.ToString())],
        null => [],
        _ => [node.ToString()],
    };

    private static void AssertMirrors(JsonObject expected, ObjectChange change, string modifiedField)
    {
        Assert.True(JsonNode.DeepEquals(expected, change.State), $"{change.Key}: {change.State?.ToJsonString()} differs from {expected.ToJsonString()}");
        Assert.Equal(DateTimeOffset.Parse(expected[modifiedField]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), change.ModifiedAt);
    }

    private static void AssertAllMirror(ResolvedBatch batch, string entity, IReadOnlyList<JsonObject> snapshot)
    {
        var states = batch.Changes.Where(c => c.Key.Entity == entity).ToDictionary(c => c.Key.Id);
        Assert.Equal(snapshot.Count, states.Count);
        Assert.All(snapshot, expected => Assert.True(
            JsonNode.DeepEquals(expected, states[expected["ID"]?.ToString() ?? expected["id"]!.ToString()].State),
            $"{entity} {expected.ToJsonString()} differs"));
    }
}
