using Bitrix24OfflineSync.Sync.Leases;
using Dapper;

namespace Bitrix24OfflineSync.Persistence.Sqlite;

/// <summary>
/// The drain leases in the embedded database. One process owns the file, so there is never a contender, but the
/// semantics are those of the shared database: expiry, takeover, a fence that counts up on every acquisition.
/// </summary>
internal sealed class SqliteDrainLeases(SqliteConnectionFactory connections, TimeProvider time) : IDrainLeases
{
    public async Task<DrainLease?> TryAcquireAsync(string memberId, string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var fence = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            """
            INSERT INTO drain_leases (member_id, owner, fence, expires_at) VALUES (@memberId, @owner, 1, @expiresAt)
            ON CONFLICT (member_id) DO UPDATE SET owner = excluded.owner, fence = drain_leases.fence + 1, expires_at = excluded.expires_at
            WHERE drain_leases.expires_at <= @now OR drain_leases.owner = @owner
            RETURNING fence;
            """,
            new { memberId, owner, expiresAt = SqliteTime.Format(now + duration), now = SqliteTime.Format(now) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return fence is { } f ? new DrainLease(memberId, owner, f, duration) : null;
    }

    public async Task<bool> RenewAsync(DrainLease lease, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var renewed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE drain_leases SET expires_at = @expiresAt WHERE member_id = @MemberId AND owner = @Owner AND fence = @Fence;",
            new { expiresAt = SqliteTime.Format(time.GetUtcNow() + lease.Duration), lease.MemberId, lease.Owner, lease.Fence },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return renewed == 1;
    }

    public async Task ReleaseAsync(DrainLease lease, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE drain_leases SET expires_at = @expired WHERE member_id = @MemberId AND owner = @Owner AND fence = @Fence;",
            new { expired = SqliteTime.Format(DateTimeOffset.UnixEpoch), lease.MemberId, lease.Owner, lease.Fence },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
