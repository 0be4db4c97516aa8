using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sinks;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>What every <see cref="IMirrorStore"/> does; above all, the mirror never goes backwards.</summary>
public abstract class MirrorStoreContract(StoreTarget target) : StoreContract(target)
{
    internal static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AStoredState_ComesBackAsStored()
    {
        var mirror = await StoreAsync<IMirrorStore>();

        Assert.Equal(1, await mirror.UpsertAsync("m1", [State("7", "first", 1, 10) with { Events = ["ONCRMDEALADD", "ONCRMDEALUPDATE"] }], null, Ct));

        var row = (await mirror.FindAsync("m1", "crm.deal", "7", Ct))!;
        Assert.Equal(("crm.deal", "7", """{"TITLE":"first"}""", false), (row.Entity, row.EntityId, row.State, row.Deleted));
        Assert.Equal((T0.AddMinutes(1), T0.AddSeconds(10)), (row.ModifiedAt, row.FetchedAt));
        Assert.Equal("ONCRMDEALADD,ONCRMDEALUPDATE", row.Events);
        Assert.Null(await mirror.FindAsync("m1", "crm.deal", "8", Ct));
        Assert.Null(await mirror.FindAsync("m2", "crm.deal", "7", Ct));
    }

    [Fact]
    public async Task TheReadBackOfAWrite_KeepsItsOriginAndKey_WhenAnEventBringsTheSameStateAgain_AndNotWhenItBringsAnother()
    {
        var mirror = await StoreAsync<IMirrorStore>();

        await mirror.UpsertAsync("m1", [State("7", "written", 1, 10) with { Origin = ChangeOrigin.Write, WriteKey = "erp-1" }], null, Ct);
        var echo = await mirror.UpsertAsync("m1", [State("7", "written", 1, 20)], null, Ct);
        var kept = (await mirror.FindAsync("m1", "crm.deal", "7", Ct))!;
        var edit = await mirror.UpsertAsync("m1", [State("7", "edited by a user", 2, 30)], null, Ct);
        var edited = (await mirror.FindAsync("m1", "crm.deal", "7", Ct))!;

        Assert.Equal(0, echo);
        Assert.Equal(("write", "erp-1"), (kept.Origin, kept.WriteKey));
        Assert.Equal(1, edit);
        Assert.Equal(("event", null), (edited.Origin, edited.WriteKey));
    }

    [Fact]
    public async Task AStateFetchedEarlier_NeverReplacesOneFetchedLater()
    {
        var mirror = await StoreAsync<IMirrorStore>();

        await mirror.UpsertAsync("m1", [State("7", "later", 1, 20)], null, Ct);
        var changed = await mirror.UpsertAsync("m1", [State("7", "earlier", 1, 10)], null, Ct);

        Assert.Equal(0, changed);
        Assert.Equal("""{"TITLE":"later"}""", (await mirror.FindAsync("m1", "crm.deal", "7", Ct))!.State);
    }

    [Fact]
    public async Task AStateModifiedEarlierAtTheSource_NeverReplacesANewerOneEvenIfFetchedLater()
    {
        var mirror = await StoreAsync<IMirrorStore>();

        await mirror.UpsertAsync("m1", [State("7", "newer", 5, 10)], null, Ct);
        var changed = await mirror.UpsertAsync("m1", [State("7", "older", 4, 30)], null, Ct);

        Assert.Equal(0, changed);
        Assert.Equal("""{"TITLE":"newer"}""", (await mirror.FindAsync("m1", "crm.deal", "7", Ct))!.State);
    }

    [Fact]
    public async Task AStateFetchedLaterWithTheSameOrNoModificationTime_ReplacesTheStoredOne()
    {
        var mirror = await StoreAsync<IMirrorStore>();

        await mirror.UpsertAsync("m1", [State("7", "first", 5, 10)], null, Ct);
        Assert.Equal(1, await mirror.UpsertAsync("m1", [State("7", "same-time", 5, 20)], null, Ct));
        Assert.Equal(1, await mirror.UpsertAsync("m1", [State("7", "no-time", 5, 30) with { ModifiedAt = null }], null, Ct));
        Assert.Equal(1, await mirror.UpsertAsync("m1", [State("7", "same-fetch", 5, 30)], null, Ct));

        Assert.Equal("""{"TITLE":"same-fetch"}""", (await mirror.FindAsync("m1", "crm.deal", "7", Ct))!.State);
    }

    [Fact]
    public async Task ATombstoneFetchedLater_ReplacesTheStateAndAnOlderStateDoesNotRevive()
    {
        var mirror = await StoreAsync<IMirrorStore>();
        var tombstone = new ObjectChange(new ObjectKey("crm.deal", "7"), ChangeAction.Delete, null, null, T0.AddSeconds(50), ["ONCRMDEALDELETE"], ["d"]);

        await mirror.UpsertAsync("m1", [State("7", "alive", 1, 10)], null, Ct);
        Assert.Equal(1, await mirror.UpsertAsync("m1", [tombstone], null, Ct));
        Assert.Equal(0, await mirror.UpsertAsync("m1", [State("7", "stale", 2, 40)], null, Ct));

        var row = (await mirror.FindAsync("m1", "crm.deal", "7", Ct))!;
        Assert.Equal((true, null, null, T0.AddSeconds(50)), (row.Deleted, row.State, row.ModifiedAt, row.FetchedAt));
    }

    [Fact]
    public async Task AListOfChanges_CountsOnlyTheRowsItChanged()
    {
        var mirror = await StoreAsync<IMirrorStore>();
        await mirror.UpsertAsync("m1", [State("1", "kept", 9, 90)], null, Ct);

        var changed = await mirror.UpsertAsync("m1", [State("3", "c", 1, 10), State("1", "stale", 1, 10), State("2", "b", 1, 10)], null, Ct);

        Assert.Equal(2, changed);
        Assert.Equal(0, await mirror.UpsertAsync("m1", [], null, Ct));
        Assert.Equal(["1", "2", "3"], (await mirror.ListAsync("m1", Ct)).Select(r => r.EntityId));
    }

    [Fact]
    public async Task TheList_IsPerPortalInEntityAndIdOrderAndAPortalIsDeletedAlone()
    {
        var mirror = await StoreAsync<IMirrorStore>();
        await mirror.UpsertAsync("m1", [State("9", "x", 1, 1), State("10", "y", 1, 1), State("1", "c", 1, 1) with { Key = new ObjectKey("crm.contact", "1") }], null, Ct);
        await mirror.UpsertAsync("m2", [State("9", "other", 1, 1)], null, Ct);

        Assert.Equal([("crm.contact", "1"), ("crm.deal", "10"), ("crm.deal", "9")], (await mirror.ListAsync("m1", Ct)).Select(r => (r.Entity, r.EntityId)));

        await mirror.DeletePortalAsync("m1", Ct);

        Assert.Empty(await mirror.ListAsync("m1", Ct));
        Assert.Single(await mirror.ListAsync("m2", Ct));
    }

    [Fact]
    public async Task InterleavedCommitsOfOneObjectOnTwoInstances_EndWithTheLatestState()
    {
        var first = await StoreAsync<IMirrorStore>();
        var second = await StoreAsync<IMirrorStore>();
        var states = Enumerable.Range(1, 40).Select(i => State("7", $"v{i}", i, i)).ToList();

        await Task.WhenAll(states.OrderBy(_ => Random.Shared.Next()).Select((s, i) => (i % 2 == 0 ? first : second).UpsertAsync("m1", [s], null, Ct)));

        Assert.Equal("""{"TITLE":"v40"}""", (await first.FindAsync("m1", "crm.deal", "7", Ct))!.State);
    }

    [Fact]
    public async Task ConcurrentListsOverTheSameObjectsInAnyOrder_AllCommitAndEachObjectEndsAtItsLatest()
    {
        var first = await StoreAsync<IMirrorStore>();
        var second = await StoreAsync<IMirrorStore>();
        var ids = Enumerable.Range(1, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var lists = Enumerable.Range(1, 12)
            .Select(version => (IReadOnlyList<ObjectChange>)[.. ids.OrderBy(_ => Random.Shared.Next()).Select(id => State(id, $"v{version}", version, version))])
            .ToList();

        await Task.WhenAll(lists.Select((list, i) => (i % 2 == 0 ? first : second).UpsertAsync("m1", list, null, Ct)));

        var rows = await first.ListAsync("m1", Ct);
        Assert.Equal(20, rows.Count);
        Assert.All(rows, r => Assert.Equal("""{"TITLE":"v12"}""", r.State));
    }

    /// <summary>
    /// A Bitrix24 text can hold a NUL character, which PostgreSQL's jsonb refuses: such a state is kept exactly (its
    /// text in state_exact), and state holds it with U+FFFD in place of each NUL for the views. An escaped backslash
    /// followed by "u0000" is text, not a NUL, and a state with one is kept as JSON like any other.
    /// </summary>
    [Fact]
    public async Task AStateHoldingANulCharacter_IsStoredAndReadBackExactly_OnBothProviders()
    {
        var mirror = await StoreAsync<IMirrorStore>();
        var nul = new JsonObject { ["TITLE"] = "before\0after", ["COMMENTS"] = "\\u0000 stays text", ["K\0EY"] = new JsonArray("\0", 1.50m) };
        var literal = new JsonObject { ["TITLE"] = "\\u0000 is text", ["OPPORTUNITY"] = "1.50" };
        await mirror.UpsertAsync("m1", [State("1", "x", 1, 1) with { State = nul }, State("2", "x", 1, 1) with { State = literal }], null, Ct);

        var kept = (await mirror.FindAsync("m1", "crm.deal", "1", Ct))!;
        var plain = (await mirror.FindAsync("m1", "crm.deal", "2", Ct))!;

        Assert.Equal(nul.ToJsonString(), kept.State);
        Assert.Equal("before\0after", JsonNode.Parse(kept.State!)!["TITLE"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(literal, JsonNode.Parse(plain.State!)));
        Assert.Equal(nul.ToJsonString(), (await mirror.ListAsync("m1", Ct)).Single(r => r.EntityId == "1").State);
        Assert.Equal(1, await Target.ScalarAsync("SELECT COUNT(*) FROM mirror WHERE state_exact IS NOT NULL"));
        Assert.Equal(1, await Target.ScalarAsync(
            $"SELECT COUNT(*) FROM mirror WHERE entity_id = '1' AND {(Target is PostgresTarget ? "state ->> 'TITLE'" : "json_extract(state, '$.TITLE')")} = 'before\uFFFDafter'"));
    }

    internal static ObjectChange State(string id, string title, int modifiedMinute, int fetchedSecond) =>
        new(new ObjectKey("crm.deal", id), ChangeAction.Upsert, new JsonObject { ["TITLE"] = title }, T0.AddMinutes(modifiedMinute), T0.AddSeconds(fetchedSecond), ["ONCRMDEALUPDATE"], ["m"]);
}
