using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sync.Model;
using Bitrix24OfflineSync.Sync.Turns;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// The drain of a plan with <c>rest_offline_extended</c>: recovery first (<see cref="OrphanRecovery"/>), then
/// <see cref="ReservationRound"/> after round until the queue is empty or the turn is used up, each round's clears
/// travelling with the next round's reservation in one request, then the error rows when their pass is due
/// (<see cref="ErrorRowPass"/>). A stop request only stops new rounds; a round in flight finishes. A plan that refuses
/// reservations (<c>WRONG_LICENSE</c>) ends it with <see cref="DrainOutcome.PlanRefused"/>: the portal is basic now.
/// </summary>
internal sealed class ReservationDrain(
    ReservationRound rounds,
    OrphanRecovery recovery,
    ErrorRowPass errorRows,
    PortalSchedules schedules,
    SyncMetrics metrics,
    IOptions<SyncOptions> options,
    ILogger<ReservationDrain> logger)
{
    public async Task<DrainOutcome> DrainAsync(TurnContext turn, CancellationToken stopping)
    {
        var schedule = await schedules.ForAsync(turn.MemberId).ConfigureAwait(false);
        var recovered = await recovery.RecoverAsync(turn, schedule).ConfigureAwait(false);
        if (recovered.PlanRefused)
        {
            return recovered;
        }

        var result = recovered.Result;
        if (result.PausedUntil is null && !stopping.IsCancellationRequested)
        {
            var drained = await RoundsAsync(turn, schedule, stopping).ConfigureAwait(false);
            result = result.And(drained.Result);
            if (drained.PlanRefused)
            {
                return new DrainOutcome(result, PlanRefused: true);
            }
        }

        return await errorRows.AfterRoundsAsync(turn, schedule, result).ConfigureAwait(false);
    }

    /// <summary>
    /// A turn begins with one reservation of up to <see cref="SyncOptions.FirstGetLimit"/> rows (most backlogs are a
    /// handful of rows, and a moderate one is then read in one command), unless the last turn left a backlog, and grows
    /// while they come back full; each round's clears travel with the next round's reservation.
    /// </summary>
    private async Task<DrainOutcome> RoundsAsync(TurnContext turn, PortalSchedule schedule, CancellationToken stopping)
    {
        var gets = schedule.FirstGets;
        var limit = LimitOf(gets, growing: false);
        schedule.FirstGets = 1;
        await turn.EnsureHeldAsync(CancellationToken.None).ConfigureAwait(false);
        var reserved = await rounds.ReserveAsync(turn, gets, limit, errorQueue: false, clearing: null).ConfigureAwait(false);
        var result = reserved.Result;
        if (reserved.PlanRefused)
        {
            return new DrainOutcome(result, PlanRefused: true);
        }

        var reservations = reserved.Reservations;
        while (reservations.Count > 0)
        {
            var rows = reservations.Sum(r => r.Events.Count);
            var full = rows >= gets * limit;
            using var round = metrics.StartRound(turn.MemberId, "extended");
            var committed = await rounds.CommitAsync(turn, reservations).ConfigureAwait(false);
            if (committed.PausedUntil is { } postponed)
            {
                return new DrainOutcome(result.And(TurnResult.Paused(postponed)), PlanRefused: false);
            }

            result = result.And(new TurnResult { Rounds = 1 });
            if (result.Rounds >= options.Value.RoundsPerTurn || stopping.IsCancellationRequested || committed.Resolved.PausedUntil is not null)
            {
                // The turn's last round clears without reserving more: what is left waits for the next turn, which goes
                // on where this one stopped, at the size it had reached.
                result = result.And(await rounds.ClearAsync(committed).ConfigureAwait(false));
                if (full && result.PausedUntil is null)
                {
                    result = result with { MoreWork = true };
                    schedule.FirstGets = NextGets(full, rows, committed.Resolved.Fetched);
                }

                round.Completed();
                return new DrainOutcome(result, PlanRefused: false);
            }

            gets = NextGets(full, rows, committed.Resolved.Fetched);
            limit = LimitOf(gets, growing: full);
            var next = await rounds.ReserveAsync(turn, gets, limit, errorQueue: false, clearing: committed).ConfigureAwait(false);
            result = result.And(next.Result);
            if (next.PlanRefused)
            {
                return new DrainOutcome(result, PlanRefused: true);
            }

            round.Completed();
            reservations = next.Reservations;
        }

        if (result.PausedUntil is null)
        {
            SyncLog.QueueEmpty(logger, turn.MemberId);
        }

        return new DrainOutcome(result, PlanRefused: false);
    }

    /// <summary>
    /// The gets of the next reservation. After a reservation that was not full the queue is about drained: one get looks
    /// for what came since. After a full one, the most gets (up to <see cref="SyncOptions.GetsPerRequest"/>) whose rows,
    /// in the mix of entities the last round fetched, one fetch request of 50 commands still holds.
    /// </summary>
    private int NextGets(bool full, int rows, IReadOnlyList<FetchShare> fetched)
    {
        if (!full)
        {
            return 1;
        }

        var limit = options.Value.GetLimit;
        for (var gets = options.Value.GetsPerRequest; gets > 1; gets--)
        {
            var scale = (double)gets * limit / Math.Max(rows, 1);
            if (fetched.Sum(f => (int)Math.Ceiling(f.Objects * scale / f.PerCommand)) <= BitrixBatch.MaxCommands)
            {
                return gets;
            }
        }

        return 1;
    }

    /// <summary>
    /// The <c>limit</c> of each get: a look (a turn's first reservation, or the one after a round that was not full)
    /// is a lone get of up to <see cref="SyncOptions.FirstGetLimit"/> rows, so a moderate backlog costs one command;
    /// the gets of a drain that found its reservations full take <see cref="SyncOptions.GetLimit"/> each.
    /// </summary>
    private int LimitOf(int gets, bool growing) =>
        gets == 1 && !growing ? Math.Max(options.Value.FirstGetLimit, options.Value.GetLimit) : options.Value.GetLimit;
}
