using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.Sync.Model;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Bitrix24OfflineSync.Persistence.Postgres;

internal sealed class PostgresMirrorStore(PostgresConnections connections, TimeProvider time) : IMirrorStore
{
    private const string Columns = "entity, entity_id, state, deleted, modified_at, fetched_at, synced_at, events";

    // Never backwards: an older fetch, or a state the source modified earlier, does not replace the stored one.
    // Under concurrent writers PostgreSQL re-checks this condition against the latest committed row.
    private const string Upsert =
        """
        INSERT INTO mirror (member_id, entity, entity_id, state, deleted, modified_at, fetched_at, synced_at, events)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
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

        var syncedAt = PostgresTime.Write(time.GetUtcNow());
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // FOR SHARE holds the lease row until the commit: a takeover (an update of that row) waits for this
        // transaction, and a takeover that came first leaves no matching row, so the write is refused.
        if (lease is not null && await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT fence FROM drain_leases WHERE member_id = @MemberId AND owner = @Owner AND fence = @Fence FOR SHARE;",
            new { lease.MemberId, lease.Owner, lease.Fence },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false) is null)
        {
            throw new DrainLeaseLostException(lease);
        }

        // One round trip for the whole list. Rows are written in key order so two writers of overlapping lists take
        // their row locks in the same order and cannot deadlock; the sort is stable, so one object's changes keep theirs.
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var change in changes.OrderBy(c => c.Key.Entity, StringComparer.Ordinal).ThenBy(c => c.Key.Id, StringComparer.Ordinal))
        {
            var command = new NpgsqlBatchCommand(Upsert);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = memberId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.Key.Entity });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.Key.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)change.State?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = change.Action == ChangeAction.Delete });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)PostgresTime.Write(change.ModifiedAt) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = PostgresTime.Write(change.FetchedAt) });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = syncedAt });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = string.Join(',', change.Events) });
            batch.BatchCommands.Add(command);
        }

        var changed = await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed;
    }

    public async Task<MirrorRow?> FindAsync(string memberId, string entity, string entityId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM mirror WHERE member_id = @memberId AND entity = @entity AND entity_id = @entityId;",
            new { memberId, entity, entityId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToMirrorRow();
    }

    public async Task<IReadOnlyList<MirrorRow>> ListAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM mirror WHERE member_id = @memberId ORDER BY entity COLLATE \"C\", entity_id COLLATE \"C\";",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToMirrorRow())];
    }

    public async Task DeletePortalAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM mirror WHERE member_id = @memberId;", new { memberId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private sealed record Row(string entity, string entity_id, string? state, bool deleted, DateTime? modified_at, DateTime fetched_at, DateTime synced_at, string events)
    {
        public MirrorRow ToMirrorRow() =>
            new(entity, entity_id, state, deleted, PostgresTime.Read(modified_at), PostgresTime.Read(fetched_at), PostgresTime.Read(synced_at), events);
    }
}
