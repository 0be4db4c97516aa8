using Bitrix24OfflineSync.Persistence;
using Dapper;

namespace Bitrix24OfflineSync.Sync.Leases;

/// <summary>
/// The drain leases, in the same SQL on both providers. A claim is one atomic upsert: it wins only when the row is
/// absent, expired, or already this owner's, and every win counts the fence up. Expiry is judged by the claimant's
/// clock. On SQLite one process owns the file, so there is never a contender, but the semantics are the same.
/// </summary>
internal sealed class SqlDrainLeases(ISqlDatabase database, TimeProvider time) : IDrainLeases
{
    public async Task<DrainLease?> TryAcquireAsync(string memberId, string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var fence = await database.RunAsync(connection => connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            """
            INSERT INTO drain_leases (member_id, owner, fence, expires_at) VALUES (@memberId, @owner, 1, @expiresAt)
            ON CONFLICT (member_id) DO UPDATE SET owner = excluded.owner, fence = drain_leases.fence + 1, expires_at = excluded.expires_at
            WHERE drain_leases.expires_at <= @now OR drain_leases.owner = @owner
            RETURNING fence;
            """,
            new { memberId, owner, expiresAt = database.TimeValue(now + duration), now = database.TimeValue(now) },
            cancellationToken: cancellationToken)), cancellationToken).ConfigureAwait(false);
        return fence is { } f ? new DrainLease(memberId, owner, f, duration) : null;
    }

    public Task<bool> RenewAsync(DrainLease lease, CancellationToken cancellationToken) =>
        SetExpiryAsync(lease, time.GetUtcNow() + lease.Duration, cancellationToken);

    public Task ReleaseAsync(DrainLease lease, CancellationToken cancellationToken) =>
        SetExpiryAsync(lease, DateTimeOffset.UnixEpoch, cancellationToken);

    /// <summary>Moves the lease's expiry if the lease is still this one (same owner and fence).</summary>
    private async Task<bool> SetExpiryAsync(DrainLease lease, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var updated = await database.RunAsync(connection => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE drain_leases SET expires_at = @expiresAt WHERE member_id = @MemberId AND owner = @Owner AND fence = @Fence;",
            new { expiresAt = database.TimeValue(expiresAt), lease.MemberId, lease.Owner, lease.Fence },
            cancellationToken: cancellationToken)), cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }
}
