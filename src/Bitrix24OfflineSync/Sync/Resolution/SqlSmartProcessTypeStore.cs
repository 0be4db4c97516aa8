using Bitrix24OfflineSync.Persistence;
using Dapper;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>The smart-process types, in the same SQL on both providers.</summary>
internal sealed class SqlSmartProcessTypeStore(ISqlDatabase database) : ISmartProcessTypeStore
{
    public async Task<IReadOnlyList<SmartProcessType>> ForPortalAsync(string memberId, CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<(long EntityTypeId, string Title, object? GoneAt)>(
            "SELECT entity_type_id, title, gone_at FROM smart_process_types WHERE member_id = @memberId ORDER BY entity_type_id;",
            new { memberId },
            cancellationToken).ConfigureAwait(false))
            .Select(r => new SmartProcessType(r.EntityTypeId, r.Title, database.ReadTime(r.GoneAt)))];

    public Task SaveDiscoveryAsync(string memberId, IReadOnlyCollection<SmartProcessType> found, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = database.TimeValue(now);
        return database.RunAsync(
            async connection =>
            {
                await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                await database.ExecuteEachAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO smart_process_types (member_id, entity_type_id, title, seen_at, gone_at) VALUES ($1, $2, $3, $4, NULL)
                    ON CONFLICT (member_id, entity_type_id) DO UPDATE SET title = excluded.title, seen_at = excluded.seen_at, gone_at = NULL;
                    """,
                    [.. found.Select(t => new object?[] { memberId, t.EntityTypeId, t.Title, at })],
                    cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE smart_process_types SET gone_at = @at WHERE member_id = @memberId AND gone_at IS NULL AND seen_at < @at;",
                    new { memberId, at },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }
}
