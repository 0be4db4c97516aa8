using System.Globalization;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Resolution;

namespace Bitrix24OfflineSync.Sync.Passes;

/// <summary>
/// Compares what a pass read completely with what the sink's index holds of the same range. Pure: the runner reads the
/// index and fetches what a check finds stale.
/// </summary>
internal static class PassDiff
{
    /// <summary>A load writes every object it read, but for those the sink holds newer, and tombstones what the sink holds that the portal has not.</summary>
    public static IReadOnlyList<ObjectChange> Load(EntityFetch fetch, PassRead read, IReadOnlyDictionary<long, IndexEntry> held, DateTimeOffset fetchedAt)
    {
        var changes = new List<ObjectChange>();
        foreach (var (id, row) in read.Rows)
        {
            var modifiedAt = FetchAnswers.Time(row, fetch.ModifiedField);
            if (held.TryGetValue(id, out var entry) && !entry.Deleted && entry.ModifiedAt > modifiedAt)
            {
                continue;
            }

            changes.Add(new ObjectChange(Key(fetch.Entity, id), ChangeAction.Upsert, row.DeepClone(), modifiedAt, fetchedAt, [], [], ChangeOrigin.Load));
        }

        changes.AddRange(Tombstones(fetch.Entity, held.Values, read.From, read.Pass.Cursor, Present(read), fetchedAt, ChangeOrigin.Load));
        return changes;
    }

    /// <summary>
    /// A drift check compares ids and modification times: what the sink lacks, holds as deleted or holds older is
    /// stale (to be fetched whole and written); what the sink holds that the portal has not is tombstoned.
    /// </summary>
    public static CheckDiff Check(EntityFetch fetch, PassRead read, IReadOnlyDictionary<long, IndexEntry> held, DateTimeOffset fetchedAt)
    {
        var stale = read.Rows
            .Where(r => !held.TryGetValue(r.Id, out var entry) || entry.Deleted || Older(entry.ModifiedAt, FetchAnswers.Time(r.Row, fetch.ModifiedField)))
            .Select(r => Key(fetch.Entity, r.Id))
            .ToList();
        return new CheckDiff(stale, [.. Tombstones(fetch.Entity, held.Values, read.From, read.Pass.Cursor, Present(read), fetchedAt, ChangeOrigin.Repair)]);
    }

    /// <summary>
    /// The tombstones of a range read completely, ids in (<paramref name="after"/>, <paramref name="upTo"/>]: every
    /// object the sink holds there, not already deleted, that the portal did not answer (<paramref name="present"/>)
    /// is gone from the portal. Nothing outside the range: what was not read proves nothing. In id order.
    /// </summary>
    public static IEnumerable<ObjectChange> Tombstones(string entity, IEnumerable<IndexEntry> held, long after, long upTo, IReadOnlySet<long> present, DateTimeOffset at, ChangeOrigin origin) =>
        held.Where(e => e.Id > after && e.Id <= upTo && !e.Deleted && !present.Contains(e.Id))
            .OrderBy(e => e.Id)
            .Select(e => new ObjectChange(Key(entity, e.Id), ChangeAction.Delete, null, null, at, [], [], origin));

    /// <summary>Whether the sink's time is older than the portal's (a time the sink lacks counts as older).</summary>
    private static bool Older(DateTimeOffset? held, DateTimeOffset? portal) => portal is { } p && (held is not { } h || h < p);

    private static HashSet<long> Present(PassRead read) => [.. read.Rows.Select(r => r.Id)];

    private static ObjectKey Key(string entity, long id) => new(entity, id.ToString(CultureInfo.InvariantCulture));
}

/// <summary>What a drift check found out of step: the objects to fetch whole, and the tombstones of what the portal no longer has.</summary>
internal sealed record CheckDiff(IReadOnlyList<ObjectKey> Stale, IReadOnlyList<ObjectChange> Tombstones);
