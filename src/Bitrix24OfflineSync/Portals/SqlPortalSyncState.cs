using Bitrix24OfflineSync.Persistence;
using Dapper;

namespace Bitrix24OfflineSync.Portals;

/// <summary>The portals' sync state, in the same SQL on both providers.</summary>
internal sealed class SqlPortalSyncState(ISqlDatabase database) : IPortalSyncState
{
    public Task<long> SignalAsync(string memberId, CancellationToken cancellationToken) =>
        database.RunAsync(
            connection => connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "UPDATE portals SET signal_seq = signal_seq + 1 WHERE member_id = @memberId RETURNING signal_seq;",
                new { memberId },
                cancellationToken: cancellationToken)),
            cancellationToken);

    public async Task<IReadOnlyList<string>> DirtyAsync(CancellationToken cancellationToken) =>
        [.. await database.QueryAsync<string>(
            "SELECT member_id FROM portals WHERE signal_seq > consumed_seq AND status = @Active;",
            new { Active = nameof(PortalStatus.Active) },
            cancellationToken).ConfigureAwait(false)];

    public Task<long> ConsumeSignalsAsync(string memberId, CancellationToken cancellationToken) =>
        database.RunAsync(
            connection => connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "UPDATE portals SET consumed_seq = signal_seq WHERE member_id = @memberId RETURNING consumed_seq;",
                new { memberId },
                cancellationToken: cancellationToken)),
            cancellationToken);

    public Task RecordDrainAsync(string memberId, DateTimeOffset at, int backlog, int syncedObjects, CancellationToken cancellationToken) =>
        database.RunAsync(
            connection => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO portal_sync (member_id, last_drain_at, last_backlog, synced_objects) VALUES (@memberId, @at, @backlog, @syncedObjects)
                ON CONFLICT (member_id) DO UPDATE SET last_drain_at = excluded.last_drain_at, last_backlog = excluded.last_backlog,
                    synced_objects = portal_sync.synced_objects + excluded.synced_objects;
                """,
                new { memberId, at = database.TimeValue(at), backlog, syncedObjects = (long)syncedObjects },
                cancellationToken: cancellationToken)),
            cancellationToken);

    public Task SetOfflineExtendedAsync(string memberId, bool available, DateTimeOffset checkedAt, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            """
            INSERT INTO portal_sync (member_id, offline_extended, plan_checked_at) VALUES (@memberId, @available, @checkedAt)
            ON CONFLICT (member_id) DO UPDATE SET offline_extended = excluded.offline_extended, plan_checked_at = excluded.plan_checked_at;
            """,
            new { memberId, available, checkedAt = database.TimeValue(checkedAt) },
            cancellationToken);

    public Task MarkRegisteredAsync(string memberId, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            """
            INSERT INTO portal_sync (member_id, registered_at) VALUES (@memberId, @at)
            ON CONFLICT (member_id) DO UPDATE SET registered_at = excluded.registered_at;
            """,
            new { memberId, at = database.TimeValue(at) },
            cancellationToken);

    public async Task<DateTimeOffset?> RegisteredAtAsync(string memberId, CancellationToken cancellationToken) =>
        database.ReadTime(await database.ScalarAsync(
            "SELECT registered_at FROM portal_sync WHERE member_id = @memberId;", new { memberId }, cancellationToken).ConfigureAwait(false));

    public async Task<PortalPlan?> PlanAsync(string memberId, CancellationToken cancellationToken) =>
        (await database.QueryAsync<(object? Extended, object? CheckedAt)>(
            "SELECT offline_extended, plan_checked_at FROM portal_sync WHERE member_id = @memberId;",
            new { memberId },
            cancellationToken).ConfigureAwait(false)).FirstOrDefault() is { Extended: { } extended and not DBNull } row
            ? new PortalPlan(SqlDatabaseExtensions.ReadBool(extended), database.ReadTime(row.CheckedAt))
            : null;
}
