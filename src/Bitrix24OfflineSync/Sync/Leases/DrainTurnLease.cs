namespace Bitrix24OfflineSync.Sync.Leases;

/// <summary>
/// The fencing checks of one turn: before a round, a commit and a clear the lease must still be this turn's, or the
/// turn stops. A turn without a lease (a caller outside the worker) is not fenced.
/// </summary>
internal sealed class DrainTurnLease(IDrainLeases leases)
{
    public async Task EnsureHeldAsync(DrainLease? lease, CancellationToken cancellationToken)
    {
        if (lease is not null && !await leases.RenewAsync(lease, cancellationToken).ConfigureAwait(false))
        {
            throw new DrainLeaseLostException(lease);
        }
    }
}
