namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// What the drain knows of a portal's plan, and what it tells it (<see cref="PlanDetector"/>): whether reservations
/// are allowed, that a reservation was refused for the plan, that a refusal may mean the plan changed.
/// </summary>
internal interface IPortalPlans
{
    /// <inheritdoc cref="PlanDetector.HasExtendedAsync"/>
    Task<bool> HasExtendedAsync(string memberId, CancellationToken cancellationToken);

    /// <inheritdoc cref="PlanDetector.LostExtendedAsync"/>
    Task LostExtendedAsync(string memberId, CancellationToken cancellationToken);

    /// <inheritdoc cref="PlanDetector.Forget"/>
    void Forget(string memberId);
}
