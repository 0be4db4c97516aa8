using Bitrix24OfflineSync.Persistence;
using Dapper;

namespace Bitrix24OfflineSync.Sinks.Database;

/// <summary>The mirror in the service's database, in the same SQL on both providers; it is its own <see cref="ISinkIndex"/>.</summary>
internal sealed class SqlMirrorStore(ISqlDatabase database, TimeProvider time) : IMirrorStore, ISinkIndex
{
    private const string Columns = "entity, entity_id, CAST(state AS TEXT) AS state, state_exact, deleted, modified_at, fetched_at, synced_at, events, origin, write_key";

    // Never backwards: an older fetch, or a state the source modified earlier, does not replace the stored one.
    // Under concurrent writers PostgreSQL re-checks this condition against the latest committed row. A state equal to
    // the stored one changes nothing: the row keeps where it came from (the read-back of a write keeps its key when
    // the object's event, a load or a drift check brings the same state again).
    private readonly string _upsert =
        $"""
        INSERT INTO mirror (member_id, entity, entity_id, state, state_exact, deleted, modified_at, fetched_at, synced_at, events, origin, entity_num, write_key)
        VALUES ($1, $2, $3, {database.JsonParameter("$4")}, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        ON CONFLICT (member_id, entity, entity_id) DO UPDATE SET
            state = excluded.state, state_exact = excluded.state_exact, deleted = excluded.deleted, modified_at = excluded.modified_at,
            fetched_at = excluded.fetched_at, synced_at = excluded.synced_at, events = excluded.events, origin = excluded.origin,
            write_key = excluded.write_key
        WHERE excluded.fetched_at >= mirror.fetched_at
          AND NOT (excluded.modified_at IS NOT NULL AND mirror.modified_at IS NOT NULL AND excluded.modified_at < mirror.modified_at)
          AND NOT (excluded.deleted = mirror.deleted AND CAST(excluded.state AS TEXT) IS NOT DISTINCT FROM CAST(mirror.state AS TEXT)
                   AND excluded.state_exact IS NOT DISTINCT FROM mirror.state_exact AND excluded.modified_at IS NOT DISTINCT FROM mirror.modified_at);
        """;

    public Task<int> UpsertAsync(string memberId, IReadOnlyList<ObjectChange> changes, CommitFence? fence, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return Task.FromResult(0);
        }

        var syncedAt = database.TimeValue(time.GetUtcNow());
        return database.RunAsync(
            async connection =>
            {
                await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                // The fence is the drain lease's row. Read with the shared row lock it is held until the commit: a
                // takeover (an update of that row) waits for this transaction, and one that came first leaves no match.
                if (fence is not null && await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    $"SELECT fence FROM drain_leases WHERE member_id = @MemberId AND owner = @Owner AND fence = @Number{database.SharedRowLock};",
                    fence,
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false) is null)
                {
                    throw new CommitFenceLostException(fence);
                }

                // Rows are written in key order so two writers of overlapping lists take their row locks in the same
                // order and cannot deadlock; the sort is stable, so one object's changes keep theirs.
                var rows = changes
                    .OrderBy(c => c.Key.Entity, StringComparer.Ordinal)
                    .ThenBy(c => c.Key.Id, StringComparer.Ordinal)
                    .Select(c =>
                    {
                        var (state, exact) = MirrorState.Split(c.State?.ToJsonString());
                        return new object?[]
                        {
                            memberId, c.Key.Entity, c.Key.Id, state, exact, c.Action == ChangeAction.Delete,
                            database.TimeValue(c.ModifiedAt), database.TimeValue(c.FetchedAt), syncedAt, string.Join(',', c.Events),
                            c.Origin.Name(), NumericId(c.Key.Id), c.WriteKey,
                        };
                    });
                var changed = await database.ExecuteEachAsync(connection, transaction, _upsert, rows, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return changed;
            },
            cancellationToken);
    }

    public Task<MirrorRow?> FindAsync(string memberId, string entity, string entityId, CancellationToken cancellationToken) =>
        database.RunAsync(
            async connection => (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                $"SELECT {Columns} FROM mirror WHERE member_id = @memberId AND entity = @entity AND entity_id = @entityId;",
                new { memberId, entity, entityId },
                cancellationToken: cancellationToken)).ConfigureAwait(false))?.ToMirrorRow(database),
            cancellationToken);

    public Task<IReadOnlyList<MirrorRow>> ListAsync(string memberId, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<MirrorRow>>(
            async connection => [.. (await connection.QueryAsync<Row>(new CommandDefinition(
                $"SELECT {Columns} FROM mirror WHERE member_id = @memberId ORDER BY entity{database.ByteOrder}, entity_id{database.ByteOrder};",
                new { memberId },
                cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(r => r.ToMirrorRow(database))],
            cancellationToken);

    public async Task<IReadOnlyList<IndexEntry>> RangeAsync(string memberId, string entity, long afterId, long upToId, CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<(long Id, object? ModifiedAt, object Deleted)>(
            "SELECT entity_num, modified_at, deleted FROM mirror WHERE member_id = @memberId AND entity = @entity AND entity_num > @afterId AND entity_num <= @upToId;",
            new { memberId, entity, afterId, upToId },
            cancellationToken).ConfigureAwait(false))
            .Select(r => new IndexEntry(r.Id, database.ReadTime(r.ModifiedAt), SqlDatabaseExtensions.ReadBool(r.Deleted)))];

    public async Task<long?> MaxIdAsync(string memberId, string entity, CancellationToken cancellationToken) =>
        await database.ScalarAsync(
            "SELECT MAX(entity_num) FROM mirror WHERE member_id = @memberId AND entity = @entity AND NOT deleted;",
            new { memberId, entity },
            cancellationToken).ConfigureAwait(false) is { } max and not DBNull ? Convert.ToInt64(max, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>The id as a number, for range reads; null for ids that are not (an unmapped event's message id).</summary>
    internal static long? NumericId(string id) =>
        long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;

    public async Task<IReadOnlyDictionary<string, long>> HeldCountsAsync(CancellationToken cancellationToken) =>
        (await database.QueryAsync<(string MemberId, long Objects)>(
            "SELECT member_id, COUNT(*) FROM mirror WHERE NOT deleted GROUP BY member_id;", null, cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.MemberId, r => r.Objects, StringComparer.Ordinal);

    public Task DeletePortalAsync(string memberId, CancellationToken cancellationToken) =>
        database.RunAsync(
            connection => connection.ExecuteAsync(new CommandDefinition("DELETE FROM mirror WHERE member_id = @memberId;", new { memberId }, cancellationToken: cancellationToken)),
            cancellationToken);

    // Rows read by property: times and flags come back as each provider keeps them, and ISqlDatabase reads them.
    private sealed class Row
    {
        public string entity { get; set; } = "";

        public string entity_id { get; set; } = "";

        public string? state { get; set; }

        public string? state_exact { get; set; }

        public object deleted { get; set; } = false;

        public object? modified_at { get; set; }

        public object fetched_at { get; set; } = "";

        public object synced_at { get; set; } = "";

        public string events { get; set; } = "";

        public string origin { get; set; } = "";

        public string? write_key { get; set; }

        public MirrorRow ToMirrorRow(ISqlDatabase database) => new(
            entity,
            entity_id,
            MirrorState.Read(state, state_exact),
            SqlDatabaseExtensions.ReadBool(deleted),
            database.ReadTime(modified_at),
            database.ReadTime(fetched_at)!.Value,
            database.ReadTime(synced_at)!.Value,
            events,
            origin,
            write_key);
    }
}
