using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Bitrix.Budget;

/// <summary>The budgets of all portals; one portal's waits never touch another's.</summary>
internal sealed class PortalBudgets(IOptions<RequestBudgetOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, PortalBudget> _budgets = new(StringComparer.Ordinal);

    public PortalBudget For(string memberId) => _budgets.GetOrAdd(memberId, id =>
    {
        var settings = options.Value;
        var custom = settings.Portals.TryGetValue(id, out var found) ? found : null;
        return new PortalBudget(custom?.BurstLimit ?? settings.BurstLimit, custom?.DrainPerSecond ?? settings.DrainPerSecond, settings, time);
    });
}
