using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Sinks.Database;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>
/// What the HTTP forwarder delivered, per portal, entity and id: the modification time and whether it was a
/// tombstone. The receiver's own store is out of reach, so this is what a drift check compares the portal with. It
/// never goes backwards either: a delivery of an older state leaves the newer entry.
/// </summary>
internal sealed class DeliveredIndex(ISqlDatabase database) : ISinkIndex
{
    public Task RecordAsync(string memberId, IReadOnlyList<ObjectChange> changes, CancellationToken cancellationToken) =>
        database.WriteEachAsync(
            """
            INSERT INTO delivered_index (member_id, entity, entity_id, entity_num, modified_at, deleted) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (member_id, entity, entity_id) DO UPDATE SET modified_at = excluded.modified_at, deleted = excluded.deleted
            WHERE NOT (excluded.modified_at IS NOT NULL AND delivered_index.modified_at IS NOT NULL AND excluded.modified_at < delivered_index.modified_at);
            """,
            [.. changes.Where(c => c.Action != ChangeAction.Event).Select(c => new object?[]
            {
                memberId, c.Key.Entity, c.Key.Id, SqlMirrorStore.NumericId(c.Key.Id), database.TimeValue(c.ModifiedAt), c.Action == ChangeAction.Delete,
            })],
            cancellationToken);

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
}
