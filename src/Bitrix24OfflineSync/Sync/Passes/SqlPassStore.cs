using Bitrix24OfflineSync.Persistence;

namespace Bitrix24OfflineSync.Sync.Passes;

/// <summary>The passes' progress, in the same SQL on both providers.</summary>
internal sealed class SqlPassStore(ISqlDatabase database) : IPassStore
{
    private const string Columns = "member_id, entity, kind, cursor, max_id, objects_read, upserted, deleted, started_at, finished_at";

    public async Task<IReadOnlyList<EntityPass>> ForPortalAsync(string memberId, CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<Row>(
            $"SELECT {Columns} FROM sync_passes WHERE member_id = @memberId ORDER BY entity{database.ByteOrder}, kind{database.ByteOrder};",
            new { memberId },
            cancellationToken).ConfigureAwait(false)).Select(r => r.ToPass(database))];

    public async Task<IReadOnlyList<EntityPass>> AllAsync(CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<Row>(
            $"SELECT {Columns} FROM sync_passes ORDER BY member_id{database.ByteOrder}, entity{database.ByteOrder}, kind{database.ByteOrder};",
            null,
            cancellationToken).ConfigureAwait(false)).Select(r => r.ToPass(database))];

    public Task StartAsync(string memberId, IReadOnlyCollection<string> entities, PassKind kind, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var startedAt = database.TimeValue(now);
        return database.WriteEachAsync(
            """
            INSERT INTO sync_passes (member_id, entity, kind, cursor, max_id, objects_read, upserted, deleted, started_at, finished_at)
            VALUES ($1, $2, $3, 0, NULL, 0, 0, 0, $4, NULL)
            ON CONFLICT (member_id, entity, kind) DO UPDATE SET
                cursor = 0, max_id = NULL, objects_read = 0, upserted = 0, deleted = 0, started_at = excluded.started_at, finished_at = NULL;
            """,
            [.. entities.Select(e => new object?[] { memberId, e, Name(kind), startedAt })],
            cancellationToken);
    }

    public async Task<IReadOnlyDictionary<PassKind, int>> UnfinishedCountsAsync(CancellationToken cancellationToken) =>
        (await database.QueryAsync<(string Kind, long Count)>(
            "SELECT kind, COUNT(*) FROM sync_passes WHERE finished_at IS NULL GROUP BY kind;", null, cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => Kind(r.Kind), r => (int)r.Count);

    public Task SaveAsync(EntityPass pass, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            """
            UPDATE sync_passes SET cursor = @Cursor, max_id = @MaxId, objects_read = @ObjectsRead, upserted = @Upserted, deleted = @Deleted,
                finished_at = @FinishedAt
            WHERE member_id = @MemberId AND entity = @Entity AND kind = @Kind;
            """,
            new
            {
                pass.Cursor,
                pass.MaxId,
                pass.ObjectsRead,
                pass.Upserted,
                pass.Deleted,
                FinishedAt = database.TimeValue(pass.FinishedAt),
                pass.MemberId,
                pass.Entity,
                Kind = Name(pass.Kind),
            },
            cancellationToken);

    private static string Name(PassKind kind) => kind.Name();

    private static PassKind Kind(string name) => name switch
    {
        "load" => PassKind.Load,
        "check" => PassKind.Check,
        _ => PassKind.Retire,
    };

    // Rows read by property: times come back as each provider keeps them, and ISqlDatabase reads them.
    private sealed class Row
    {
        public string member_id { get; set; } = "";

        public string entity { get; set; } = "";

        public string kind { get; set; } = "";

        public long cursor { get; set; }

        public long? max_id { get; set; }

        public long objects_read { get; set; }

        public long upserted { get; set; }

        public long deleted { get; set; }

        public object started_at { get; set; } = "";

        public object? finished_at { get; set; }

        public EntityPass ToPass(ISqlDatabase database) => new(
            member_id,
            entity,
            Kind(kind),
            cursor,
            max_id,
            objects_read,
            upserted,
            deleted,
            database.ReadTime(started_at)!.Value,
            database.ReadTime(finished_at));
    }
}
