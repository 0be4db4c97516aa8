using Bitrix24OfflineSync.Sync.Leases;

namespace Bitrix24OfflineSync.Tests.Sync.Drain;

/// <summary>The portals' leases as one holder sees them: held and renewed until <see cref="Lost"/> (another holder took them over).</summary>
internal sealed class HeldLeases : IDrainLeases
{
    public bool Lost { get; set; }

    /// <summary>How often the store was asked to renew a lease.</summary>
    public int Renewals { get; private set; }

    public Task<DrainLease?> TryAcquireAsync(string memberId, string owner, TimeSpan duration, CancellationToken cancellationToken) =>
        Task.FromResult<DrainLease?>(Lost ? null : new DrainLease(memberId, owner, 1, duration));

    public Task<bool> RenewAsync(DrainLease lease, CancellationToken cancellationToken)
    {
        Renewals++;
        return Task.FromResult(!Lost);
    }

    public Task ReleaseAsync(DrainLease lease, CancellationToken cancellationToken) => Task.CompletedTask;
}
