using System.Collections.Concurrent;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Portals;

/// <summary>
/// Unknown member ids are remembered for a while so forged doorbells cost no query each; when the memory is full the
/// least recently asked id goes, not all of them: rotating made-up ids cannot make a repeated one cost a query again.
/// </summary>
public sealed class KnownPortalsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUnknownIdAskedAgainAndAgain_StaysRemembered_WhileAFloodOfOthersPassesThrough()
    {
        var registry = new CountingRegistry();
        var knownPortals = new KnownPortals(registry, new FakeTimeProvider(TestClock.Start));

        for (var i = 0; i < 3 * KnownPortals.MaxUnknown; i++)
        {
            Assert.Null(await knownPortals.FindAsync($"made-up-{i}", Ct));
            if (i % 100 == 0)
            {
                Assert.Null(await knownPortals.FindAsync("probed", Ct));
            }
        }

        Assert.Equal(1, registry.Queries("probed"));
        Assert.Equal(1, registry.Queries($"made-up-{(3 * KnownPortals.MaxUnknown) - 1}"));
    }

    [Fact]
    public async Task WhenFull_TheLeastRecentlyAskedIdGoes_AndOnlyIt()
    {
        var registry = new CountingRegistry();
        var knownPortals = new KnownPortals(registry, new FakeTimeProvider(TestClock.Start));
        for (var i = 0; i < KnownPortals.MaxUnknown; i++)
        {
            await knownPortals.FindAsync($"id-{i}", Ct);
        }

        await knownPortals.FindAsync("id-0", Ct);
        await knownPortals.FindAsync("one-more", Ct);
        await knownPortals.FindAsync("id-0", Ct);
        await knownPortals.FindAsync("id-2", Ct);
        await knownPortals.FindAsync("id-1", Ct);

        Assert.Equal(1, registry.Queries("id-0"));
        Assert.Equal(1, registry.Queries("id-2"));
        Assert.Equal(2, registry.Queries("id-1"));
    }

    [Fact]
    public async Task AnUnknownId_IsAskedAgainAfterItsTimeIsUp()
    {
        var registry = new CountingRegistry();
        var clock = new FakeTimeProvider(TestClock.Start);
        var knownPortals = new KnownPortals(registry, clock);

        await knownPortals.FindAsync("later-installed", Ct);
        await knownPortals.FindAsync("later-installed", Ct);
        clock.Advance(TimeSpan.FromSeconds(31));
        await knownPortals.FindAsync("later-installed", Ct);

        Assert.Equal(2, registry.Queries("later-installed"));
    }

    /// <summary>A registry that knows no portal and counts what it was asked.</summary>
    private sealed class CountingRegistry : IPortalRegistry
    {
        private readonly ConcurrentDictionary<string, int> _queries = new(StringComparer.Ordinal);

        public int Queries(string memberId) => _queries.GetValueOrDefault(memberId);

        public Task<PortalRecord?> FindAsync(string memberId, CancellationToken cancellationToken)
        {
            _queries.AddOrUpdate(memberId, 1, (_, n) => n + 1);
            return Task.FromResult<PortalRecord?>(null);
        }

        public Task<IReadOnlyList<PortalRecord>> ListAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task SaveInstallAsync(PortalInstall install, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> MarkUninstalledAsync(string memberId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<PortalOverview>> OverviewAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<PortalStatusCount>> CountAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
