using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.Sync.Model;

namespace Bitrix24OfflineSync.Sinks;

/// <summary>
/// Where changes go. <see cref="CommitAsync"/> returns only once the changes are durably stored by the sink; only
/// then does the drain clear them from the portal's queue. A sink is idempotent: the same batch may come again.
/// </summary>
internal interface ISyncSink
{
    /// <summary>Stores the batch durably, or throws <see cref="SinkUnavailableException"/> (the batch is kept reserved and retried).</summary>
    Task CommitAsync(SinkBatch batch, CancellationToken cancellationToken);

    /// <summary>Removes what the sink holds of a portal (ONAPPUNINSTALL with CLEAN=1); a sink that holds nothing does nothing.</summary>
    Task ForgetPortalAsync(string memberId, CancellationToken cancellationToken);
}

/// <summary>
/// One commit: the portal, a stable id (the same on every retry of the same reserved batch), the changes, and the
/// queue reservations (process ids) they came from, and the drain lease of the turn (a sink that can, such as the
/// database mirror, makes its commit conditional on it).
/// </summary>
internal sealed record SinkBatch(
    string MemberId,
    string Domain,
    string BatchId,
    IReadOnlyList<ObjectChange> Changes,
    IReadOnlyList<string>? ProcessIds = null,
    DrainLease? Lease = null);

/// <summary>The sink could not take the batch now; nothing of it may be cleared.</summary>
internal sealed class SinkUnavailableException(string reason, Exception? inner = null) : Exception(reason, inner)
{
    public string Reason { get; } = reason;
}
