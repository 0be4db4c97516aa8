using Bitrix24OfflineSync.Sync.Leases;
using Dapper;

namespace Bitrix24OfflineSync.Persistence.Postgres;

/// <summary>
/// The drain leases on the shared database. A claim is one atomic upsert: it wins only when the row is absent,
/// expired, or already this owner's, and every win counts the fence up. Expiry is judged by the claimant's clock.
/// </summary>
internal sealed class PostgresDrainLeases(PostgresConnections connections, TimeProvider time) : IDrainLeases
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
            new { memberId, owner, expiresAt = PostgresTime.Write(now + duration), now = PostgresTime.Write(now) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return fence is { } f ? new DrainLease(memberId, owner, f, duration) : null;
    }

    public async Task<bool> RenewAsync(DrainLease lease, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var renewed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE drain_leases SET expires_at = @expiresAt WHERE member_id = @MemberId AND owner = @Owner AND fence = @Fence;",
            new { expiresAt = PostgresTime.Write(time.GetUtcNow() + lease.Duration), lease.MemberId, lease.Owner, lease.Fence },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return renewed == 1;
    }

    public async Task ReleaseAsync(DrainLease lease, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE drain_leases SET expires_at = '-infinity' WHERE member_id = @MemberId AND owner = @Owner AND fence = @Fence;",
            new { lease.MemberId, lease.Owner, lease.Fence },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
