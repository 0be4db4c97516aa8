using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sinks;

namespace Bitrix24OfflineSync.Sync.Turns;

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

/// <summary>
/// What a turn step may do in the turn: check the lease, commit to the sinks fenced by it, ask for more or
/// pause. The step's requests are gathered here and handed to the turn as its <see cref="Result"/>.
/// </summary>
internal sealed class PortalTurn(TurnContext context)
{
    private TurnResult _result = TurnResult.None;

    public PortalRecord Portal => context.Portal;

    /// <summary>What the step asked for.</summary>
    public TurnResult Result => _result;

    /// <inheritdoc cref="TurnContext.EnsureHeldAsync"/>
    public Task EnsureHeldAsync(CancellationToken cancellationToken) => context.EnsureHeldAsync(cancellationToken);

    /// <inheritdoc cref="TurnContext.CommitAsync"/>
    public Task<SinkCommitResult> CommitAsync(string idPrefix, IEnumerable<string> content, IReadOnlyList<ObjectChange> changes) =>
        context.CommitAsync(idPrefix, content, changes);

    /// <summary>The step has more to do: the portal gets another turn at once.</summary>
    public void NeedsAnotherTurn() => _result = _result.And(new TurnResult { MoreWork = true });

    /// <summary>A method the step needs is paused for its operating time until <paramref name="until"/>: the next turn is due then.</summary>
    public void Pause(DateTimeOffset until) => _result = _result.And(TurnResult.Paused(until));
}
