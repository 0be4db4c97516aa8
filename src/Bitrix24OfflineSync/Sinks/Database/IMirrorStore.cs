using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.Sync.Model;

namespace Bitrix24OfflineSync.Sinks.Database;

/// <summary>
/// The database mirror: per portal, entity and id, the last state (or a tombstone). An upsert never goes backwards:
/// a state fetched earlier, or modified earlier at the source, never replaces a newer one.
/// </summary>
internal interface IMirrorStore
{
    /// <summary>Applies the changes in one transaction; returns how many rows changed (older states are skipped).</summary>
    Task<int> UpsertAsync(string memberId, IReadOnlyList<ObjectChange> changes, CancellationToken cancellationToken);

    /// <summary>
    /// As above, fenced: in the same transaction the portal's lease must still be <paramref name="lease"/>'s owner and
    /// fence, or nothing is written and <see cref="DrainLeaseLostException"/> is thrown. A holder paused past its lease
    /// cannot overwrite what the new holder committed. A null lease is not fenced.
    /// </summary>
    Task<int> UpsertAsync(string memberId, IReadOnlyList<ObjectChange> changes, DrainLease? lease, CancellationToken cancellationToken);

    Task<MirrorRow?> FindAsync(string memberId, string entity, string entityId, CancellationToken cancellationToken);

    Task<IReadOnlyList<MirrorRow>> ListAsync(string memberId, CancellationToken cancellationToken);

    Task DeletePortalAsync(string memberId, CancellationToken cancellationToken);
}

/// <summary>One mirrored object. <see cref="State"/> is the JSON text as fetched; null for a tombstone or an event.</summary>
internal sealed record MirrorRow(
    string Entity,
    string EntityId,
    string? State,
    bool Deleted,
    DateTimeOffset? ModifiedAt,
    DateTimeOffset FetchedAt,
    DateTimeOffset SyncedAt,
    string Events);
