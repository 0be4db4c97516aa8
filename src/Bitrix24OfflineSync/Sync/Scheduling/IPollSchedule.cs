namespace Bitrix24OfflineSync.Sync.Scheduling;

/// <summary>
/// The durable side of the safety net: each portal's next poll time, which a replica claims (moving it on) before it
/// wakes the portal, so replicas on one database share the sweep instead of each polling every portal.
/// </summary>
internal interface IPollSchedule
{
    /// <summary>The active portals (counted once per interval to size the sweep's slices).</summary>
    Task<int> CountActiveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> active portals whose poll is due at <paramref name="now"/> (never polled
    /// first, then the most overdue), moves their next poll to <paramref name="next"/>, and answers them. Rows another
    /// replica is claiming are passed over.
    /// </summary>
    Task<IReadOnlyList<string>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset next, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The start-up pass's claim: up to <paramref name="limit"/> active portals after <paramref name="afterMemberId"/> in
    /// member id order (bytes) whose poll is due by <paramref name="due"/>, their next poll moved to
    /// <paramref name="next"/>. Walking by member id, a pass asks each portal once, however turns meanwhile set next polls
    /// back within its bound. Rows another replica is claiming are passed over.
    /// </summary>
    Task<IReadOnlyList<string>> ClaimPageAsync(string afterMemberId, DateTimeOffset due, DateTimeOffset next, int limit, CancellationToken cancellationToken);

    /// <summary>Sets when the portal is next due (after a turn: the portal's next slot, about a poll interval on, or sooner when something falls due sooner).</summary>
    Task SetNextPollAsync(string memberId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Sets when each of the portals is next due (at a stop: the portals claimed and not yet asked are due at once).</summary>
    Task SetNextPollsAsync(IReadOnlyCollection<string> memberIds, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>A page of the active portals whose last drain is before <paramref name="before"/>, after <paramref name="afterMemberId"/>.</summary>
    Task<IReadOnlyList<(string MemberId, DateTimeOffset LastDrainAt)>> StalePageAsync(DateTimeOffset before, string afterMemberId, int limit, CancellationToken cancellationToken);
}
