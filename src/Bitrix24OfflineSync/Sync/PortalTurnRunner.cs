using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sync.Drain;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.Sync.Passes;
using Bitrix24OfflineSync.Sync.Turns;

namespace Bitrix24OfflineSync.Sync;

/// <summary>
/// One turn of one portal, under its lease: the queue first (<see cref="ReservationDrain"/>, or
/// <see cref="BasicModeDrainer"/> for a plan without <c>rest_offline_extended</c>, also when the plan refuses a
/// reservation mid-turn); once the queue is drained, the dead letters an operator asked to replay and the portal's
/// loads and drift checks (<see cref="PassRunner"/>); then the features' steps (<see cref="IPortalTurnStep"/>), backlog
/// or not. Each part answers a <see cref="TurnResult"/>, and the turn answers their sum.
/// </summary>
internal sealed class PortalTurnRunner(
    IPortalPlans plans,
    ReservationDrain reservations,
    BasicModeDrainer basic,
    IReservationJournal journal,
    DeadLetterReplays replays,
    PassRunner passes,
    IEnumerable<IPortalTurnStep> steps,
    DrainTurnLease fencing)
{
    public async Task<TurnResult> RunAsync(PortalRecord portal, DrainLease lease, CancellationToken stopping)
    {
        var memberId = portal.MemberId;
        var turn = new TurnContext(portal, lease, fencing, await replays.RequestedAsync(memberId).ConfigureAwait(false));
        var result = TurnResult.None;
        var extended = await plans.HasExtendedAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        if (extended)
        {
            var drained = await reservations.DrainAsync(turn, stopping).ConfigureAwait(false);
            result = drained.Result;
            extended = !drained.PlanRefused;
        }

        if (!extended)
        {
            result = result.And(await basic.DrainAsync(turn, result.Rounds, stopping).ConfigureAwait(false));
        }

        if (!result.MoreWork && result.PausedUntil is null)
        {
            // The queue is drained: dead letters an operator asked to replay go next, then the portal's loads and drift checks.
            result = result.And(await replays.ReplayAsync(turn).ConfigureAwait(false));
            if (result.PausedUntil is null)
            {
                result = result.And(await passes.RunAsync(turn, basicPlan: !extended, result.Rounds, stopping).ConfigureAwait(false));
            }
        }

        if (!stopping.IsCancellationRequested)
        {
            // The features' steps (the write-back) take their share of every turn, backlog or not.
            foreach (var step in steps)
            {
                var stepTurn = new PortalTurn(turn);
                await step.RunAsync(stepTurn, stopping).ConfigureAwait(false);
                result = result.And(stepTurn.Result);
            }
        }

        var retryPending = extended && (await journal.KnownPendingAsync(memberId, CancellationToken.None).ConfigureAwait(false)).Count > 0;
        return result with { RetryPending = retryPending };
    }
}
