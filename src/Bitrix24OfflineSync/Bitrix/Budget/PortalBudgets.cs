using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Bitrix.Budget;

/// <summary>
/// The budgets of all portals; one portal's waits never touch another's. A budget lives while it holds something a
/// fresh one would not: a portal idle for <see cref="RestAfter"/> whose bucket has drained and whose operating time
/// cannot hold a call back (<see cref="PortalBudget.TryRetire"/>) is dropped (looked at every
/// <see cref="TrimEvery"/>), so an instance holds the budgets of the portals it is talking to, not of its whole fleet.
/// </summary>
internal sealed class PortalBudgets(IOptions<RequestBudgetOptions> options, IOptions<ResilienceOptions> resilience, TimeProvider time)
{
    /// <summary>How often at most the budgets are looked over, off the caller's path (on the thread pool).</summary>
    public static readonly TimeSpan TrimEvery = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, PortalBudget> _budgets = new(StringComparer.Ordinal);
    private long _trimmedAt = time.GetTimestamp();
    private int _trimming;

    /// <summary>
    /// How long a budget goes unused before it may be dropped: twice an attempt's timeout, at least a minute, so that no
    /// answer still on its way comes back to a budget no longer kept.
    /// </summary>
    public TimeSpan RestAfter => TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks, resilience.Value.AttemptTimeout.Ticks * 2));

    /// <summary>The budgets kept now.</summary>
    public int Count => _budgets.Count;

    /// <summary>The portal's budget, to read or to observe an answer with; a request's slot is taken with <see cref="AcquireAsync"/>.</summary>
    public PortalBudget For(string memberId)
    {
        TrimIfDue();
        return _budgets.GetOrAdd(memberId, id =>
        {
            var settings = options.Value;
            var custom = settings.Portals.TryGetValue(id, out var found) ? found : null;
            return new PortalBudget(custom?.BurstLimit ?? settings.BurstLimit, custom?.DrainPerSecond ?? settings.DrainPerSecond, settings, time);
        });
    }

    /// <summary>Waits until a request fits the portal's budget, takes its slot, and answers the budget it was taken from.</summary>
    public async Task<PortalBudget> AcquireAsync(string memberId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var budget = For(memberId);
            if (await budget.TryAcquireAsync(cancellationToken).ConfigureAwait(false))
            {
                return budget;
            }

            // Retired between the lookup and the slot: out it goes, if the trim has not taken it out yet, and the next
            // lookup makes a fresh one.
            _budgets.TryRemove(KeyValuePair.Create(memberId, budget));
        }
    }

    /// <summary>Looks the budgets over when due: a lookup starts it, so an instance with no traffic does no work.</summary>
    private void TrimIfDue()
    {
        if (time.GetElapsedTime(Interlocked.Read(ref _trimmedAt)) < TrimEvery || Interlocked.Exchange(ref _trimming, 1) == 1)
        {
            return;
        }

        Interlocked.Exchange(ref _trimmedAt, time.GetTimestamp());
        _ = Task.Run(() =>
        {
            try
            {
                var now = time.GetUtcNow();
                var rest = RestAfter;
                foreach (var (memberId, budget) in _budgets)
                {
                    if (budget.TryRetire(now, rest))
                    {
                        _budgets.TryRemove(KeyValuePair.Create(memberId, budget));
                    }
                }
            }
            finally
            {
                Volatile.Write(ref _trimming, 0);
            }
        });
    }
}
