namespace Bitrix24OfflineSync.Sync.Leases;

/// <summary>
/// Who drains a portal when several replicas share one database: a lease per portal with an expiry and a fencing
/// number. Whoever holds an unexpired lease drains; a lease not renewed in time may be taken by another owner, and
/// every new acquisition gets a higher <see cref="DrainLease.Fence"/>, so a stale holder can be told apart and refused.
/// </summary>
internal interface IDrainLeases
{
    /// <summary>The portal's lease for <paramref name="owner"/>, or null while another owner holds an unexpired one.</summary>
    Task<DrainLease?> TryAcquireAsync(string memberId, string owner, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Extends the lease by its duration from now; false when it was lost (another owner acquired it since).</summary>
    Task<bool> RenewAsync(DrainLease lease, CancellationToken cancellationToken);

    /// <summary>Gives the lease up at once (the fence stays, so the next acquisition still counts up).</summary>
    Task ReleaseAsync(DrainLease lease, CancellationToken cancellationToken);
}

/// <summary>One acquisition of a portal's lease.</summary>
internal sealed record DrainLease(string MemberId, string Owner, long Fence, TimeSpan Duration)
{
    /// <summary>
    /// When the store last confirmed the lease (its acquisition or a renewal), as a <see cref="TimeProvider"/>
    /// timestamp taken before the statement was sent; null until then. <see cref="DrainTurnLease"/> keeps it.
    /// </summary>
    public long? ConfirmedAt { get; set; }
}
