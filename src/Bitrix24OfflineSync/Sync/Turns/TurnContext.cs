using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Leases;

namespace Bitrix24OfflineSync.Sync.Turns;

/// <summary>
/// What every part of one portal's turn works with, and never changes during it: the portal, the lease the turn holds
/// (every commit and every request that changes the queue is fenced by it), and whether an operator asked for the
/// portal's dead letters to be replayed. What a part did comes back as its <see cref="TurnResult"/>.
/// </summary>
internal sealed class TurnContext(PortalRecord portal, DrainLease lease, DrainTurnLease fencing, bool replayRequested)
{
    public PortalRecord Portal => portal;

    public string MemberId => portal.MemberId;

    public DrainLease Lease => lease;

    /// <summary>An operator asked for dead letters of the portal to be replayed: the error rows get their pass now, then the letters.</summary>
    public bool ReplayRequested => replayRequested;

    /// <summary>
    /// Checks the lease is still the turn's (renewed in the store once a third of it has passed since the store last
    /// confirmed it), or throws <see cref="DrainLeaseLostException"/>: called right before anything is sent.
    /// </summary>
    public Task EnsureHeldAsync(CancellationToken cancellationToken) => fencing.EnsureHeldAsync(lease, cancellationToken);

    /// <summary>
    /// Commits <paramref name="changes"/> of the portal to the sinks as one batch, under the lease (checked right before,
    /// and fenced inside the sink where it can be), never cancelled half-way. The batch's id is derived from
    /// <paramref name="content"/>, what the batch holds (message ids, process ids, cursors), after
    /// <paramref name="idPrefix"/>, the kind of batch: a retried batch has the id the sink already saw, across restarts too.
    /// </summary>
    public Task<SinkCommitResult> CommitAsync(
        string idPrefix, IEnumerable<string> content, IReadOnlyList<ObjectChange> changes, IReadOnlyList<string>? processIds = null) =>
        fencing.CommitAsync(
            new SinkBatch(portal.MemberId, portal.Domain, BatchIds.For(idPrefix, content), changes, processIds), lease, CancellationToken.None);
}
