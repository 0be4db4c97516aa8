using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Bitrix.Budget;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Bitrix;

/// <summary>
/// An instance keeps a portal's request budget while it talks to the portal: a fleet of 100,000 portals polled every
/// few minutes holds the budgets of the few in flight, not of all. Nothing is dropped that a fresh budget would not
/// have: one holding a wait, a block or a pace stays.
/// </summary>
public sealed class BudgetTrimTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnIdlePortalsBudget_IsDroppedAfterItsRest_WhileOnesThatCouldHoldACallBackAreKept()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var budgets = new PortalBudgets(Options.Create(new RequestBudgetOptions()), Options.Create(new ResilienceOptions()), time);
        var idle = await budgets.AcquireAsync("idle", Ct);
        var blocked = await budgets.AcquireAsync("blocked", Ct);
        blocked.Operating.Blocked("crm.deal.list", time.GetUtcNow() + TimeSpan.FromMinutes(10));
        // 400 of the 480 s a method may use in its window: past the slowdown share, its calls are paced.
        var paced = await budgets.AcquireAsync("paced", Ct);
        paced.Operating.Observe("crm.deal.list", 400, time.GetUtcNow() + TimeSpan.FromMinutes(9));
        // A dear method: its cost per call is known, and a full batch of it would not fit the limit even after a reset.
        var dear = await budgets.AcquireAsync("dear", Ct);
        dear.Operating.Observe("crm.item.list", 10, time.GetUtcNow() + TimeSpan.FromMinutes(9));
        dear.Operating.Observe("crm.item.list", 20, time.GetUtcNow() + TimeSpan.FromMinutes(9));
        // A cheap one: its figures cannot hold a call back.
        idle.Operating.Observe("event.offline.get", 0.01, time.GetUtcNow() + TimeSpan.FromMinutes(9));

        time.Advance(budgets.RestAfter + PortalBudgets.TrimEvery);
        budgets.For("someone");
        await Wait.UntilAsync(() => budgets.Count == 4, "the idle budgets are dropped");

        Assert.NotSame(idle, budgets.For("idle"));
        Assert.Same(blocked, budgets.For("blocked"));
        Assert.Same(paced, budgets.For("paced"));
        Assert.Same(dear, budgets.For("dear"));
    }

    [Fact]
    public async Task ARetiredBudget_TakesNoSlot_AndTheNextRequestGetsAFreshOne()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var budgets = new PortalBudgets(Options.Create(new RequestBudgetOptions()), Options.Create(new ResilienceOptions()), time);
        var first = await budgets.AcquireAsync("portal", Ct);
        time.Advance(budgets.RestAfter);

        Assert.True(first.TryRetire(time.GetUtcNow(), budgets.RestAfter));
        Assert.False(await first.TryAcquireAsync(Ct));
        var next = await budgets.AcquireAsync("portal", Ct);

        Assert.NotSame(first, next);
        Assert.Same(next, budgets.For("portal"));
    }

    [Fact]
    public async Task ABudgetStillDraining_OrUsedWithinItsRest_IsNotRetired()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var budgets = new PortalBudgets(Options.Create(new RequestBudgetOptions { DrainPerSecond = 0.01 }), Options.Create(new ResilienceOptions()), time);
        var budget = await budgets.AcquireAsync("portal", Ct);

        time.Advance(budgets.RestAfter - TimeSpan.FromSeconds(1));
        Assert.False(budget.TryRetire(time.GetUtcNow(), budgets.RestAfter));
        // Unused for its rest, but the slot it took drains at one every 100 s.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(budget.TryRetire(time.GetUtcNow(), budgets.RestAfter));
        time.Advance(TimeSpan.FromSeconds(100));
        Assert.True(budget.TryRetire(time.GetUtcNow(), budgets.RestAfter));
    }
}
