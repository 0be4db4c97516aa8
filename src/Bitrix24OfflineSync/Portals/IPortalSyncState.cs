namespace Bitrix24OfflineSync.Portals;

/// <summary>What the drain keeps per portal beside the registry: the dirty signals, its last drain, the plan.</summary>
internal interface IPortalSyncState
{
    /// <summary>Durably marks the portal dirty for the drain worker; returns the new signal sequence.</summary>
    Task<long> SignalAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>The active portals marked dirty and not yet taken up by a drain worker (here or on another replica).</summary>
    Task<IReadOnlyList<string>> DirtyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The drain worker takes the portal's signals before it drains: a doorbell after this point makes the portal
    /// dirty again, so the drain goes round once more. Returns the sequence consumed.
    /// </summary>
    Task<long> ConsumeSignalsAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>Remembers what a drain saw: when it ran, the backlog it found, and how many objects it synced.</summary>
    Task RecordDrainAsync(string memberId, DateTimeOffset at, int backlog, int syncedObjects, CancellationToken cancellationToken);

    /// <summary>Remembers whether the portal's plan has <c>rest_offline_extended</c>, as asked at <paramref name="checkedAt"/>.</summary>
    Task SetOfflineExtendedAsync(string memberId, bool available, DateTimeOffset checkedAt, CancellationToken cancellationToken);

    /// <summary>What is known of the portal's plan; null when it was never asked.</summary>
    Task<PortalPlan?> PlanAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>The portal's events are bound (or there is nothing to bind): a load may begin, as changes from now on reach the queue.</summary>
    Task MarkRegisteredAsync(string memberId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>When the portal's events were last bound; null when never.</summary>
    Task<DateTimeOffset?> RegisteredAtAsync(string memberId, CancellationToken cancellationToken);
}

/// <summary>Whether a portal's plan has <c>rest_offline_extended</c>, and when that was last asked (null: before it was recorded).</summary>
internal sealed record PortalPlan(bool OfflineExtended, DateTimeOffset? CheckedAt);
