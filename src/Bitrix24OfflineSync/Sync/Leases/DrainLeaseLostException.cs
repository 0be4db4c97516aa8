namespace Bitrix24OfflineSync.Sync.Leases;

/// <summary>The turn's lease was taken over: nothing more may be committed or cleared by this holder.</summary>
internal sealed class DrainLeaseLostException(DrainLease lease, Exception? inner = null)
    : Exception($"the drain lease of portal {lease.MemberId} (fence {lease.Fence}) was taken over", inner)
{
    public DrainLease Lease { get; } = lease;
}
