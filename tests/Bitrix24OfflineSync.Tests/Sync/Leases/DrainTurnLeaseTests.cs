using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.Tests.Sync.Drain;

namespace Bitrix24OfflineSync.Tests.Sync.Leases;

/// <summary>
/// How a turn checks its lease: in the store when it has not been confirmed for a third of its duration, on its own
/// word before that (no other owner may claim it until it expires).
/// </summary>
public sealed class DrainTurnLeaseTests
{
    [Fact]
    public async Task ALeaseConfirmedLessThanAThirdOfItsDurationAgo_IsNotRenewedInTheStore_AndOnceThatHasPassedItIs()
    {
        using var kit = new RoundKit();
        var third = kit.Turn.Lease.Duration / 3;

        await kit.Turn.EnsureHeldAsync(Ct);
        Assert.Equal(1, kit.Leases.Renewals);

        kit.Clock.Advance(third - TimeSpan.FromMilliseconds(1));
        await kit.Turn.EnsureHeldAsync(Ct);
        await kit.Turn.EnsureHeldAsync(Ct);
        Assert.Equal(1, kit.Leases.Renewals);

        kit.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await kit.Turn.EnsureHeldAsync(Ct);
        Assert.Equal(2, kit.Leases.Renewals);

        // Each renewal starts the third again.
        kit.Clock.Advance(third - TimeSpan.FromMilliseconds(1));
        await kit.Turn.EnsureHeldAsync(Ct);
        Assert.Equal(2, kit.Leases.Renewals);
    }

    [Fact]
    public async Task AHolderThatStalledPastItsLease_AsksTheStore_AndStopsWhenTheLeaseWasTakenOver()
    {
        using var kit = new RoundKit();
        await kit.Turn.EnsureHeldAsync(Ct);

        kit.Clock.Advance(kit.Turn.Lease.Duration);
        kit.Leases.Lost = true;

        var lost = await Assert.ThrowsAsync<DrainLeaseLostException>(() => kit.Turn.EnsureHeldAsync(Ct));
        Assert.Same(kit.Turn.Lease, lost.Lease);
        Assert.Equal(2, kit.Leases.Renewals);
    }

    [Fact]
    public async Task AnAcquiredLease_CountsAsConfirmedFromTheMomentItWasAskedFor()
    {
        using var kit = new RoundKit();
        var fencing = kit.Get<DrainTurnLease>();

        var lease = await fencing.TryAcquireAsync("m1", "replica-1", TimeSpan.FromMinutes(3), Ct);
        await fencing.EnsureHeldAsync(lease!, Ct);
        Assert.Equal(0, kit.Leases.Renewals);

        kit.Leases.Lost = true;
        Assert.Null(await fencing.TryAcquireAsync("m1", "replica-1", TimeSpan.FromMinutes(3), Ct));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
