using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sync.Leases;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>What every <see cref="IDrainLeases"/> does: one holder at a time, takeover after expiry, a fence that only counts up.</summary>
public abstract class DrainLeaseContract(StoreTarget target) : StoreContract(target)
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(2);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task AFreeLease_IsAcquired_AndAnotherOwnerIsRefusedWhileItHolds()
    {
        var leases = await LeasesAsync();

        var held = await leases.TryAcquireAsync("m1", "replica-a", Duration, Ct);
        _clock.Advance(Duration - TimeSpan.FromSeconds(1));
        var contender = await leases.TryAcquireAsync("m1", "replica-b", Duration, Ct);

        Assert.NotNull(held);
        Assert.Equal(("m1", "replica-a"), (held.MemberId, held.Owner));
        Assert.Null(contender);
        Assert.NotNull(await leases.TryAcquireAsync("m2", "replica-b", Duration, Ct));
    }

    [Fact]
    public async Task AnExpiredLease_IsTakenOverWithAHigherFence_AndTheOldHolderCanNoLongerRenew()
    {
        var leases = await LeasesAsync();
        var old = (await leases.TryAcquireAsync("m1", "replica-a", Duration, Ct))!;

        _clock.Advance(Duration);
        var taken = await leases.TryAcquireAsync("m1", "replica-b", Duration, Ct);

        Assert.NotNull(taken);
        Assert.True(taken.Fence > old.Fence);
        Assert.False(await leases.RenewAsync(old, Ct));
        Assert.True(await leases.RenewAsync(taken, Ct));
        Assert.Null(await leases.TryAcquireAsync("m1", "replica-a", Duration, Ct));
    }

    [Fact]
    public async Task ARenewedLease_OutlivesItsFirstExpiry()
    {
        var leases = await LeasesAsync();
        var held = (await leases.TryAcquireAsync("m1", "replica-a", Duration, Ct))!;

        _clock.Advance(Duration - TimeSpan.FromSeconds(1));
        Assert.True(await leases.RenewAsync(held, Ct));
        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Null(await leases.TryAcquireAsync("m1", "replica-b", Duration, Ct));
    }

    [Fact]
    public async Task AReleasedLease_IsFreeAtOnce_AndTheFenceStillCountsUp()
    {
        var leases = await LeasesAsync();
        var first = (await leases.TryAcquireAsync("m1", "replica-a", Duration, Ct))!;

        await leases.ReleaseAsync(first, Ct);
        var second = await leases.TryAcquireAsync("m1", "replica-b", Duration, Ct);
        await leases.ReleaseAsync(first, Ct);

        Assert.NotNull(second);
        Assert.True(second.Fence > first.Fence);
        Assert.True(await leases.RenewAsync(second, Ct));
        Assert.False(await leases.RenewAsync(first, Ct));
    }

    [Fact]
    public async Task AStaleHoldersMirrorCommit_IsRejected_AndChangesNothing()
    {
        var service = await StartServiceAsync(_clock);
        var leases = service.Get<IDrainLeases>();
        var mirror = service.Get<IMirrorStore>();
        var stale = (await leases.TryAcquireAsync("m1", "replica-a", Duration, Ct))!;
        _clock.Advance(Duration);
        var current = (await leases.TryAcquireAsync("m1", "replica-b", Duration, Ct))!;

        Assert.Equal(1, await mirror.UpsertAsync("m1", [Deal("current", 20)], Fence(current), Ct));
        await Assert.ThrowsAsync<CommitFenceLostException>(() => mirror.UpsertAsync("m1", [Deal("stale", 30), Deal("stale", 30, "8")], Fence(stale), Ct));

        Assert.Equal("""{"TITLE":"current"}""", (await mirror.FindAsync("m1", "crm.deal", "7", Ct))!.State);
        Assert.Null(await mirror.FindAsync("m1", "crm.deal", "8", Ct));
    }

    private static CommitFence Fence(DrainLease lease) => new(lease.MemberId, lease.Owner, lease.Fence);

    private async Task<IDrainLeases> LeasesAsync() => (await StartServiceAsync(_clock)).Get<IDrainLeases>();

    private static ObjectChange Deal(string title, int fetchedSecond, string id = "7") => MirrorStoreContract.State(id, title, 1, fetchedSecond);
}
