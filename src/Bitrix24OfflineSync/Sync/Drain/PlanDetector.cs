using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// Whether a portal's plan has <c>rest_offline_extended</c> (reservations with <c>clear=0</c>), asked with
/// <c>feature.get</c> at the portal's first drain and stored: trusted for <see cref="SyncOptions.PlanRecheckInterval"/>,
/// across restarts, and asked again sooner only after a refusal (<c>WRONG_LICENSE</c> says the plan changed).
/// </summary>
internal sealed class PlanDetector(BitrixClient client, IPortalSyncState registry, IOptions<SyncOptions> options, TimeProvider time, ILogger<PlanDetector> logger) : IPortalPlans
{
    public const string Feature = "rest_offline_extended";

    private readonly ConcurrentDictionary<string, PortalPlan> _known = new(StringComparer.Ordinal);

    public async Task<bool> HasExtendedAsync(string memberId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_known.TryGetValue(memberId, out var known) && Fresh(known, now))
        {
            return known.OfflineExtended;
        }

        if (known is null && await registry.PlanAsync(memberId, cancellationToken).ConfigureAwait(false) is { } stored && Fresh(stored, now))
        {
            _known[memberId] = stored;
            return stored.OfflineExtended;
        }

        var answer = await client.CallAsync(memberId, "feature.get", new JsonObject { ["CODE"] = Feature }, cancellationToken).ConfigureAwait(false);
        var extended = string.Equals(answer.Result?["value"]?.ToString(), "Y", StringComparison.OrdinalIgnoreCase);
        if (known?.OfflineExtended != extended)
        {
            if (extended)
            {
                SyncLog.ExtendedMode(logger, memberId);
            }
            else
            {
                SyncLog.BasicMode(logger, memberId);
            }
        }

        await registry.SetOfflineExtendedAsync(memberId, extended, now, cancellationToken).ConfigureAwait(false);
        _known[memberId] = new PortalPlan(extended, now);
        return extended;
    }

    /// <summary>
    /// The portal refused a reservation with <c>WRONG_LICENSE</c>: its plan no longer has the feature. It is drained in
    /// basic mode from now on, until the plan is asked again.
    /// </summary>
    public async Task LostExtendedAsync(string memberId, CancellationToken cancellationToken)
    {
        SyncLog.FeatureRefused(logger, memberId, Feature);
        var now = time.GetUtcNow();
        _known[memberId] = new PortalPlan(false, now);
        SyncLog.BasicMode(logger, memberId);
        await registry.SetOfflineExtendedAsync(memberId, false, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An unexpected refusal may mean the plan changed: ask again next time.</summary>
    public void Forget(string memberId) => _known.AddOrUpdate(memberId, _ => new PortalPlan(false, null), (_, plan) => plan with { CheckedAt = null });

    private bool Fresh(PortalPlan plan, DateTimeOffset now) => plan.CheckedAt is { } at && now - at < options.Value.PlanRecheckInterval;
}
