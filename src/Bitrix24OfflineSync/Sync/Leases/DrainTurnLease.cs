using Bitrix24OfflineSync.Sinks;

namespace Bitrix24OfflineSync.Sync.Leases;

/// <summary>
/// The fencing checks of one turn: before a round, a commit and a clear the lease must still be this turn's, or the
/// turn stops. A commit also carries the lease as the sink's <see cref="CommitFence"/>, which a sink that can (the
/// database mirror) checks in its own transaction.
/// </summary>
internal sealed class DrainTurnLease(IDrainLeases leases, SinkCommits sink)
{
    public async Task EnsureHeldAsync(DrainLease lease, CancellationToken cancellationToken)
    {
        if (!await leases.RenewAsync(lease, cancellationToken).ConfigureAwait(false))
        {
            throw new DrainLeaseLostException(lease);
        }
    }

    /// <summary>Commits <paramref name="batch"/> under the lease: renewed right before, and fenced inside the sink where it can be.</summary>
    public async Task<SinkCommitResult> CommitAsync(SinkBatch batch, DrainLease lease, CancellationToken cancellationToken)
    {
        await EnsureHeldAsync(lease, cancellationToken).ConfigureAwait(false);
        try
        {
            return await sink.CommitAsync(batch with { Fence = new CommitFence(lease.MemberId, lease.Owner, lease.Fence) }, cancellationToken).ConfigureAwait(false);
        }
        catch (CommitFenceLostException ex)
        {
            throw new DrainLeaseLostException(lease, ex);
        }
    }
}
