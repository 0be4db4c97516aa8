using Bitrix24OfflineSync.Sync.Passes;
using Bitrix24OfflineSync.Tests.Persistence;

namespace Bitrix24OfflineSync.Tests.Sync;

/// <summary>What the passes' store does on every provider: one row per portal, entity and kind, begun again on request.</summary>
public abstract class PassStoreContract(StoreTarget target) : StoreContract(target)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task APassBegun_IsAtZero_AndItsProgressIsKept()
    {
        var store = await StoreAsync<IPassStore>();

        await store.StartAsync("m1", ["crm.deal", "crm.contact"], PassKind.Load, T0, Ct);
        await store.StartAsync("m2", ["crm.deal"], PassKind.Check, T0, Ct);
        var deal = (await store.ForPortalAsync("m1", Ct)).Single(p => p.Entity == "crm.deal");
        await store.SaveAsync(deal with { Cursor = 2500, MaxId = 9000, ObjectsRead = 2400, Upserted = 2400, Deleted = 3 }, Ct);
        var contact = (await store.ForPortalAsync("m1", Ct)).Single(p => p.Entity == "crm.contact");
        await store.SaveAsync(contact with { MaxId = 0, FinishedAt = T0.AddMinutes(1) }, Ct);

        Assert.Equal(
            [
                new EntityPass("m1", "crm.contact", PassKind.Load, 0, 0, 0, 0, 0, T0, T0.AddMinutes(1)),
                new EntityPass("m1", "crm.deal", PassKind.Load, 2500, 9000, 2400, 2400, 3, T0, null),
            ],
            await store.ForPortalAsync("m1", Ct));
        Assert.Equal([EntityPass.Start("m2", "crm.deal", PassKind.Check, T0)], await store.ForPortalAsync("m2", Ct));
        Assert.Equal(3, (await store.AllAsync(Ct)).Count);
    }

    [Fact]
    public async Task APassBegunAgain_StartsOverButLeavesTheOtherKindAlone()
    {
        var store = await StoreAsync<IPassStore>();
        await store.StartAsync("m1", ["crm.deal"], PassKind.Load, T0, Ct);
        await store.StartAsync("m1", ["crm.deal"], PassKind.Check, T0, Ct);
        foreach (var pass in await store.ForPortalAsync("m1", Ct))
        {
            await store.SaveAsync(pass with { Cursor = 50, MaxId = 50, ObjectsRead = 40, FinishedAt = T0.AddHours(1) }, Ct);
        }

        await store.StartAsync("m1", ["crm.deal"], PassKind.Load, T0.AddDays(1), Ct);

        var passes = await store.ForPortalAsync("m1", Ct);
        Assert.Equal(EntityPass.Start("m1", "crm.deal", PassKind.Load, T0.AddDays(1)), passes.Single(p => p.Kind == PassKind.Load));
        Assert.Equal(T0.AddHours(1), passes.Single(p => p.Kind == PassKind.Check).FinishedAt);
    }
}
