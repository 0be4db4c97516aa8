using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.Sync.Model;
using Dapper;

namespace Bitrix24OfflineSync.Persistence.Sqlite;

internal sealed class SqliteMirrorStore(SqliteConnectionFactory connections, TimeProvider time) : IMirrorStore
{
    // Never backwards: an older fetch, or a state the source modified earlier, does not replace the stored one.
    private const string Upsert =
        """
        INSERT INTO mirror (member_id, entity, entity_id, state, deleted, modified_at, fetched_at, synced_at, events)
        VALUES (@MemberId, @Entity, @EntityId, @State, @Deleted, @ModifiedAt, @FetchedAt, @SyncedAt, @Events)
        ON CONFLICT (member_id, entity, entity_id) DO UPDATE SET
            state = excluded.state, deleted = excluded.deleted, modified_at = excluded.modified_at,
            fetched_at = excluded.fetched_at, synced_at = excluded.synced_at, events = excluded.events
        WHERE excluded.fetched_at >= mirror.fetched_at
          AND NOT (excluded.modified_at IS NOT NULL AND mirror.modified_at IS NOT NULL AND excluded.modified_at < mirror.modified_at);
        """;

    public Task<int> UpsertAsync(string memberId, IReadOnlyList<ObjectChange> changes, CancellationToken cancellationToken) =>
        UpsertAsync(memberId, changes, lease: null, cancellationToken);

    public async Task<int> UpsertAsync(string memberId, IReadOnlyList<ObjectChange> changes, DrainLease? lease, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return 0;
        }

        var syncedAt = SqliteTime.Format(time.GetUtcNow());
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (lease is not null && await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM drain_leases WHERE member_id = @MemberId AND owner = @Owner AND fence = @Fence;",
            new { lease.MemberId, lease.Owner, lease.Fence },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false) == 0)
        {
            throw new DrainLeaseLostException(lease);
        }

        var changed = 0;
        foreach (var change in changes)
        {
            changed += await connection.ExecuteAsync(new CommandDefinition(
                Upsert,
                new
                {
                    MemberId = memberId,
                    change.Key.Entity,
                    EntityId = change.Key.Id,
                    State = change.State?.ToJsonString(),
                    Deleted = change.Action == ChangeAction.Delete,
                    ModifiedAt = SqliteTime.Format(change.ModifiedAt),
                    FetchedAt = SqliteTime.Format(change.FetchedAt),
                    SyncedAt = syncedAt,
                    Events = string.Join(',', change.Events),
                },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed;
    }

    public async Task<MirrorRow?> FindAsync(string memberId, string entity, string entityId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT entity, entity_id, state, deleted, modified_at, fetched_at, synced_at, events FROM mirror WHERE member_id = @memberId AND entity = @entity AND entity_id = @entityId;",
            new { memberId, entity, entityId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToMirrorRow();
    }

    public async Task<IReadOnlyList<MirrorRow>> ListAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT entity, entity_id, state, deleted, modified_at, fetched_at, synced_at, events FROM mirror WHERE member_id = @memberId ORDER BY entity, entity_id;",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToMirrorRow())];
    }

    public async Task DeletePortalAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM mirror WHERE member_id = @memberId;", new { memberId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private sealed record Row(string entity, string entity_id, string? state, long deleted, string? modified_at, string fetched_at, string synced_at, string events)
    {
        public MirrorRow ToMirrorRow() =>
            new(entity, entity_id, state, deleted != 0, SqliteTime.ParseOrNull(modified_at), SqliteTime.Parse(fetched_at), SqliteTime.Parse(synced_at), events);
    }
}
