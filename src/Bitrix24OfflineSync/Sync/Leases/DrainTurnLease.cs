using Bitrix24OfflineSync.Sinks;

namespace Bitrix24OfflineSync.Sync.Leases;

/// <summary>
/// The fencing checks of a turn: before a round, a commit and a clear the lease must still be the turn's, or the turn
/// stops. A lease the store confirmed less than a third of its duration ago is the turn's without asking again: no
/// other owner may claim it before it expires, and it expires a whole duration after that confirmation (by the clocks
/// of the replicas, which may differ by up to two thirds of it). Past that third it is renewed in the store, which
/// answers whether it was lost. A turn of seconds thus takes the lease and gives it back without a renewal between,
/// and a holder that stalled (a pause, a slow answer) asks the store before it goes on. A commit also carries the
/// lease as the sink's <see cref="CommitFence"/>, which a sink that can (the database mirror) checks in its own
/// transaction.
/// </summary>
internal sealed class DrainTurnLease(IDrainLeases leases, SinkCommits sink, TimeProvider time)
{
    /// <summary>The portal's lease for <paramref name="owner"/>, or null while another owner holds it; confirmed as of now.</summary>
    public async Task<DrainLease?> TryAcquireAsync(string memberId, string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        var sent = time.GetTimestamp();
        var lease = await leases.TryAcquireAsync(memberId, owner, duration, cancellationToken).ConfigureAwait(false);
        lease?.ConfirmedAt = sent;
        return lease;
    }

    public Task ReleaseAsync(DrainLease lease, CancellationToken cancellationToken) => leases.ReleaseAsync(lease, cancellationToken);

    public async Task EnsureHeldAsync(DrainLease lease, CancellationToken cancellationToken)
    {
        if (lease.ConfirmedAt is { } confirmed && time.GetElapsedTime(confirmed) < lease.Duration / 3)
        {
            return;
        }

        var sent = time.GetTimestamp();
        if (!await leases.RenewAsync(lease, cancellationToken).ConfigureAwait(false))
        {
            throw new DrainLeaseLostException(lease);
        }

        lease.ConfirmedAt = sent;
    }

    /// <summary>Commits <paramref name="batch"/> under the lease: confirmed right before, and fenced inside the sink where it can be.</summary>
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
