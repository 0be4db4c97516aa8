using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Resolution;
using Bitrix24OfflineSync.Sync.Passes;
using static Bitrix24OfflineSync.Tests.Sync.Passes.PassKit;

namespace Bitrix24OfflineSync.Tests.Sync.Passes;

public sealed class PassDiffTests
{
    private static readonly DateTimeOffset Portal = new(2026, 1, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FetchedAt = Portal.AddDays(1);

    [Theory]
    [InlineData("crm.deal", "absent", true)]
    [InlineData("crm.deal", "older", true)]
    [InlineData("crm.deal", "equal", true)]
    [InlineData("crm.deal", "newer", false)]
    [InlineData("crm.deal", "deleted newer", true)]
    [InlineData("crm.deal", "no time", true)]
    [InlineData("task", "newer", false)]
    [InlineData("task", "older", true)]
    [InlineData("crm.item.1220", "newer", false)]
    [InlineData("crm.item.1220", "absent", true)]
    public void ALoad_WritesWhatItRead_ButWhatTheSinkHoldsNewer(string entity, string sink, bool written)
    {
        var fetch = Fetch(entity);
        var read = Read(entity, PassKind.Load, 0, 50, Row(fetch, 7, Portal));

        var changes = PassDiff.Load(fetch, read, Held(Entry(7, sink)), FetchedAt);

        if (!written)
        {
            Assert.Empty(changes);
            return;
        }

        var change = Assert.Single(changes);
        Assert.Equal(new ObjectKey(entity, "7"), change.Key);
        Assert.Equal(ChangeAction.Upsert, change.Action);
        Assert.Equal(ChangeOrigin.Load, change.Origin);
        Assert.Equal(Portal, change.ModifiedAt);
        Assert.Equal(FetchedAt, change.FetchedAt);
        Assert.True(JsonNode.DeepEquals(read.Rows[0].Row, change.State));
        Assert.NotSame(read.Rows[0].Row, change.State);
    }

    [Theory]
    [InlineData("Load", "2,4", "1,2,3,4", "", "1,3")]
    [InlineData("Load", "2,4", "1,2,3,4", "3", "1")]
    [InlineData("Check", "1,2,3,4", "1,2,3,4", "", "")]
    [InlineData("Check", "", "5,6", "", "5,6")]
    [InlineData("Check", "", "5,6", "6", "5")]
    public void WhatTheSinkHoldsButThePortalDidNotAnswer_IsTombstonedOnce(string kind, string read, string held, string heldDeleted, string tombstoned)
    {
        var fetch = Fetch("crm.deal");
        var pass = Read("crm.deal", Enum.Parse<PassKind>(kind), 0, 50, [.. Ids(read).Select(id => Row(fetch, id, Portal))]);
        var deleted = Ids(heldDeleted).ToHashSet();
        var entries = Held([.. Ids(held).Select(id => new IndexEntry(id, Portal, deleted.Contains(id)))]);

        var tombstones = kind == "Load"
            ? PassDiff.Load(fetch, pass, entries, FetchedAt).Where(c => c.Action == ChangeAction.Delete).ToList()
            : PassDiff.Check(fetch, pass, entries, FetchedAt).Tombstones;

        Assert.Equal(Ids(tombstoned).Select(id => id.ToString(CultureInfo.InvariantCulture)), tombstones.Select(t => t.Key.Id));
        Assert.All(tombstones, t => Assert.Equal(kind == "Load" ? ChangeOrigin.Load : ChangeOrigin.Repair, t.Origin));
        Assert.All(tombstones, t => Assert.Equal(FetchedAt, t.FetchedAt));
        Assert.All(tombstones, t => Assert.Null(t.State));
    }

    [Theory]
    [InlineData("absent", true)]
    [InlineData("deleted", true)]
    [InlineData("older", true)]
    [InlineData("no time", true)]
    [InlineData("equal", false)]
    [InlineData("newer", false)]
    public void ACheck_FindsStaleWhatTheSinkLacksOrHoldsOlder(string sink, bool stale)
    {
        var fetch = Fetch("crm.deal");
        var read = Read("crm.deal", PassKind.Check, 0, 50, Row(fetch, 7, Portal));

        var diff = PassDiff.Check(fetch, read, Held(Entry(7, sink)), FetchedAt);

        Assert.Equal(stale ? [new ObjectKey("crm.deal", "7")] : [], diff.Stale);
        Assert.Empty(diff.Tombstones);
    }

    [Fact]
    public void ACheck_OfARowWithoutATime_FetchesOnlyWhatTheSinkLacks()
    {
        var fetch = Fetch("crm.deal");
        var read = Read("crm.deal", PassKind.Check, 0, 50, Row(fetch, 7), Row(fetch, 8));

        var diff = PassDiff.Check(fetch, read, Held(Entry(7, "older")), FetchedAt);

        Assert.Equal([new ObjectKey("crm.deal", "8")], diff.Stale);
    }

    [Theory]
    [InlineData(0, 50, "10,60,70", "10")]
    [InlineData(50, 100, "10,50,60,100,101", "60,100")]
    [InlineData(100, 100, "100,101", "")]
    public void Tombstones_OnlyInsideTheRangeReadCompletely(long from, long cursor, string held, string tombstoned)
    {
        var fetch = Fetch("crm.deal");
        var read = Read("crm.deal", PassKind.Check, from, cursor);

        var diff = PassDiff.Check(fetch, read, Held([.. Ids(held).Select(id => new IndexEntry(id, Portal, false))]), FetchedAt);

        Assert.Equal(Ids(tombstoned).Select(id => new ObjectKey("crm.deal", id.ToString(CultureInfo.InvariantCulture))), diff.Tombstones.Select(t => t.Key));
    }

    private static PassRead Read(string entity, PassKind kind, long from, long cursor, params JsonObject[] rows) =>
        new(Pass(entity, kind, cursor, cursor + 500), from, [.. rows.Select(row => new PassRow(FetchAnswers.NumericId(row, Fetch(entity).IdField)!.Value, row))]);

    private static Dictionary<long, IndexEntry> Held(params IndexEntry?[] entries) =>
        entries.OfType<IndexEntry>().ToDictionary(e => e.Id);

    /// <summary>What the sink holds of object <paramref name="id"/>, against the portal's time.</summary>
    private static IndexEntry? Entry(long id, string sink) => sink switch
    {
        "absent" => null,
        "older" => new IndexEntry(id, Portal.AddMinutes(-1), false),
        "equal" => new IndexEntry(id, Portal, false),
        "newer" => new IndexEntry(id, Portal.AddMinutes(1), false),
        "deleted" => new IndexEntry(id, Portal, true),
        "deleted newer" => new IndexEntry(id, Portal.AddMinutes(1), true),
        "no time" => new IndexEntry(id, null, false),
        _ => throw new ArgumentOutOfRangeException(nameof(sink), sink, "Unknown sink state."),
    };
}
