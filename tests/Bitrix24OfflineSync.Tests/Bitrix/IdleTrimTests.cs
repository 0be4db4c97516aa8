using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Bitrix.Budget;
using Bitrix24OfflineSync.Bitrix.Tokens;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Telemetry;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Bitrix;

/// <summary>
/// What an instance keeps of each portal it talks to (the request budget, the decrypted credentials) it keeps while it
/// talks to it: a fleet of 100,000 portals polled every few minutes holds the state of the few in flight, not of all.
/// Nothing is dropped that a fresh copy would not have: a budget holding a wait, a block or a pace stays.
/// </summary>
public sealed class IdleTrimTests
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

        time.Advance(budgets.RestAfter + IdleTrim.Every);
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

    [Fact]
    public async Task APortalsCredentials_AreReadOncePerTurn_AndReadAgainAfterTheyWentUnused()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var store = new CountingStore();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var http = new HttpClient();
        var tokens = new PortalTokens(
            store,
            new OAuthClient(http, Options.Create(new Bitrix24Options())),
            new BitrixMetrics(services.GetRequiredService<IMeterFactory>(), new PortalTags(Options.Create(new MetricsOptions()))),
            time,
            NullLogger<PortalTokens>.Instance);

        await tokens.GetAsync("quiet", Ct);
        await tokens.GetAsync("quiet", Ct);
        Assert.Equal(1, store.Reads("quiet"));

        time.Advance(PortalTokens.RestAfter + IdleTrim.Every);
        await tokens.GetAsync("busy", Ct);
        await Wait.UntilAsync(() => tokens.Count == 1, "the unused credentials are dropped");
        await tokens.GetAsync("quiet", Ct);

        Assert.Equal(2, store.Reads("quiet"));
        Assert.Equal(1, store.Reads("busy"));
    }

    /// <summary>The token store's reads, counted; its tokens are made up (the cache is what is under test).</summary>
    private sealed class CountingStore : IPortalTokenStore
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _reads = new(StringComparer.Ordinal);

        public int Reads(string memberId) => _reads.GetValueOrDefault(memberId);

        public Task<PortalCredentials?> ReadCredentialsAsync(string memberId, CancellationToken cancellationToken)
        {
            _reads.AddOrUpdate(memberId, 1, (_, n) => n + 1);
            return Task.FromResult<PortalCredentials?>(new PortalCredentials(memberId, new Uri($"https://{memberId}.bitrix24.test/rest/"), $"access-{memberId}", PortalStatus.Active));
        }

        public Task<TokenRefreshResult> RefreshTokensAsync(string memberId, string staleAccessToken, Func<string, CancellationToken, Task<TokenGrant>> refresh, CancellationToken cancellationToken) =>
            throw new NotSupportedException("no refresh in these tests");
    }
}
