using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Leases;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// Work a feature does in a portal's turn, under the portal's lease, after the drain's rounds (and its loads and
/// drift checks when the queue was empty): the write-back applies its queued writes here. The REST client shares the
/// portal's request budget and operating time between the drain and the steps; a step takes a bounded share of each
/// turn and asks for another turn (<see cref="PortalTurn.NeedsAnotherTurn"/>) when it has more, so neither starves.
/// </summary>
internal interface IPortalTurnStep
{
    Task RunAsync(PortalTurn turn, CancellationToken stopping);
}

/// <summary>What a turn step may do in the turn: renew and check the lease, commit to the sinks fenced by it, ask for more.</summary>
internal sealed class PortalTurn(PortalRecord portal, DrainTally tally, DrainTurnLease lease)
{
    public PortalRecord Portal => portal;

    /// <summary>Renews the lease, or throws <see cref="DrainLeaseLostException"/>: call it right before sending anything.</summary>
    public Task EnsureHeldAsync(CancellationToken cancellationToken) => lease.EnsureHeldAsync(tally.Lease, cancellationToken);

    /// <summary>Commits to the sinks under the lease (fenced where the sink can be).</summary>
    public Task<SinkCommitResult> CommitAsync(SinkBatch batch, CancellationToken cancellationToken) => lease.CommitAsync(batch, tally.Lease, cancellationToken);

    /// <summary>The step has more to do: the portal gets another turn at once.</summary>
    public void NeedsAnotherTurn() => tally.MoreWork = true;

    /// <summary>A method the step needs is paused for its operating time until <paramref name="until"/>: the next turn is due then.</summary>
    public void Pause(DateTimeOffset until) => tally.Pause(until);
}
