using System.ComponentModel.DataAnnotations;

namespace Bitrix24OfflineSync.Bitrix.Budget;

/// <summary>
/// <c>Bitrix24:RequestBudget</c>: the client's copy of each portal's server-side limits, so that the service spends
/// the budget evenly instead of discovering it through 503s. Enterprise portals are 250 / 5.
/// </summary>
internal sealed class RequestBudgetOptions
{
    [Range(1, 100_000)]
    public int BurstLimit { get; set; } = 50;

    [Range(0.01, 10_000)]
    public double DrainPerSecond { get; set; } = 2;

    /// <summary>Per-portal overrides by member id, e.g. <c>Bitrix24:RequestBudget:Portals:{memberId}:BurstLimit=250</c>.</summary>
    public IDictionary<string, PortalBudgetOverride> Portals { get; init; } = new Dictionary<string, PortalBudgetOverride>(StringComparer.Ordinal);

    /// <summary>The cloud's per-method operating-time limit within its window.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan OperatingLimit { get; set; } = TimeSpan.FromSeconds(480);

    /// <summary>The window over which the server sums a method's operating time; the pause after a block whose reset is unknown.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan OperatingWindow { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>Past this share of <see cref="OperatingLimit"/>, calls of that method are spaced out before the server blocks it.</summary>
    [Range(0.1, 0.99)]
    public double OperatingSlowdownShare { get; set; } = 0.8;
}

internal sealed class PortalBudgetOverride
{
    public int? BurstLimit { get; set; }

    public double? DrainPerSecond { get; set; }
}
