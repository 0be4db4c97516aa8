using System.Security.Cryptography;
using System.Text;
using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Sinks.Database;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>
/// What the HTTP forwarder delivered, per portal, entity and id: the modification time, whether it was a tombstone,
/// and a hash of the state. The receiver's own store is out of reach, so this is what a drift check compares the
/// portal with, and what tells a state delivered already (the queue row of the service's own write) from a new one. It
/// never goes backwards either: a delivery of an older state leaves the newer entry.
/// </summary>
internal sealed class DeliveredIndex(ISqlDatabase database) : ISinkIndex
{
    public Task RecordAsync(string memberId, IReadOnlyList<ObjectChange> changes, CancellationToken cancellationToken) =>
        database.WriteEachAsync(
            """
            INSERT INTO delivered_index (member_id, entity, entity_id, entity_num, modified_at, deleted, state_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (member_id, entity, entity_id) DO UPDATE SET modified_at = excluded.modified_at, deleted = excluded.deleted, state_hash = excluded.state_hash
            WHERE NOT (excluded.modified_at IS NOT NULL AND delivered_index.modified_at IS NOT NULL AND excluded.modified_at < delivered_index.modified_at);
            """,
            [.. changes.Where(c => c.Action != ChangeAction.Event).Select(c => new object?[]
            {
                memberId, c.Key.Entity, c.Key.Id, SqlMirrorStore.NumericId(c.Key.Id), database.TimeValue(c.ModifiedAt), c.Action == ChangeAction.Delete, StateHash(c),
            })],
            cancellationToken);

    /// <summary>
    /// The upserts of <paramref name="changes"/> whose state is the one delivered last for their object, by the hash of
    /// its compact JSON (as fetched, the portal's order of fields).
    /// </summary>
    public async Task<IReadOnlySet<ObjectChange>> DeliveredAlreadyAsync(string memberId, IReadOnlyCollection<ObjectChange> changes, CancellationToken cancellationToken)
    {
        var repeats = new HashSet<ObjectChange>();
        foreach (var entity in changes.Where(c => c.Action == ChangeAction.Upsert && c.State is not null).GroupBy(c => c.Key.Entity, StringComparer.Ordinal))
        {
            var ids = entity.Select(c => c.Key.Id).Distinct(StringComparer.Ordinal).ToList();
            var delivered = (await database.QueryAsync<(string Id, string Hash)>(
                    "SELECT entity_id, state_hash FROM delivered_index WHERE member_id = @memberId AND entity = @entity AND entity_id IN @ids AND NOT deleted AND state_hash IS NOT NULL;",
                    new { memberId, entity = entity.Key, ids },
                    cancellationToken).ConfigureAwait(false))
                .ToDictionary(r => r.Id, r => r.Hash, StringComparer.Ordinal);
            repeats.UnionWith(entity.Where(c => delivered.TryGetValue(c.Key.Id, out var hash) && hash == StateHash(c)));
        }

        return repeats;
    }

    public async Task<IReadOnlyList<IndexEntry>> RangeAsync(string memberId, string entity, long afterId, long upToId, CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<(long Id, object? ModifiedAt, object Deleted)>(
            "SELECT entity_num, modified_at, deleted FROM delivered_index WHERE member_id = @memberId AND entity = @entity AND entity_num > @afterId AND entity_num <= @upToId;",
            new { memberId, entity, afterId, upToId },
            cancellationToken).ConfigureAwait(false))
            .Select(r => new IndexEntry(r.Id, database.ReadTime(r.ModifiedAt), SqlDatabaseExtensions.ReadBool(r.Deleted)))];

    public async Task<long?> MaxIdAsync(string memberId, string entity, CancellationToken cancellationToken) =>
        await database.ScalarAsync(
            "SELECT MAX(entity_num) FROM delivered_index WHERE member_id = @memberId AND entity = @entity AND NOT deleted;",
            new { memberId, entity },
            cancellationToken).ConfigureAwait(false) is { } max and not DBNull ? Convert.ToInt64(max, System.Globalization.CultureInfo.InvariantCulture) : null;

    public async Task<IReadOnlyDictionary<string, long>> HeldCountsAsync(CancellationToken cancellationToken) =>
        (await database.QueryAsync<(string MemberId, long Objects)>(
            "SELECT member_id, COUNT(*) FROM delivered_index WHERE NOT deleted GROUP BY member_id;", null, cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.MemberId, r => r.Objects, StringComparer.Ordinal);

    public Task ForgetAsync(string memberId, CancellationToken cancellationToken) =>
        database.ExecuteAsync("DELETE FROM delivered_index WHERE member_id = @memberId;", new { memberId }, cancellationToken);

    private static string? StateHash(ObjectChange change) =>
        change is { Action: ChangeAction.Upsert, State: { } state }
            ? Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(state.ToJsonString())))
            : null;
}
