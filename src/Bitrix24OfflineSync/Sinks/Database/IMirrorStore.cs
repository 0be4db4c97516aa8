namespace Bitrix24OfflineSync.Sinks.Database;

/// <summary>
/// The database mirror: per portal, entity and id, the last state (or a tombstone). An upsert never goes backwards:
/// a state fetched earlier, or modified earlier at the source, never replaces a newer one.
/// </summary>
internal interface IMirrorStore
{
    /// <summary>
    /// Applies the changes in one transaction; returns how many rows changed (older states are skipped). With a
    /// <paramref name="fence"/>, the portal's drain lease must still be the fence's owner and number in the same
    /// transaction, or nothing is written and <see cref="CommitFenceLostException"/> is thrown.
    /// </summary>
    Task<int> UpsertAsync(string memberId, IReadOnlyList<ObjectChange> changes, CommitFence? fence, CancellationToken cancellationToken);

    Task<MirrorRow?> FindAsync(string memberId, string entity, string entityId, CancellationToken cancellationToken);

    Task<IReadOnlyList<MirrorRow>> ListAsync(string memberId, CancellationToken cancellationToken);

    Task DeletePortalAsync(string memberId, CancellationToken cancellationToken);
}

/// <summary>
/// One mirrored object. <see cref="State"/> is the JSON text as fetched; null for a tombstone or an event.
/// <see cref="Origin"/> is where its last change came from: <c>event</c>, <c>load</c>, <c>repair</c> or <c>write</c>;
/// <see cref="WriteKey"/> the key of the write-back whose read-back it is (null otherwise).
/// </summary>
internal sealed record MirrorRow(
    string Entity,
    string EntityId,
    string? State,
    bool Deleted,
    DateTimeOffset? ModifiedAt,
    DateTimeOffset FetchedAt,
    DateTimeOffset SyncedAt,
    string Events,
    string Origin,
    string? WriteKey = null);
