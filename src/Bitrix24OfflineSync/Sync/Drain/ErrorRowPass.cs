using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Turns;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// Rows marked with <c>event.offline.error</c> come back only with <c>error=1</c>; later changes of their objects
/// merge into them. Once the queue is drained they get a pass: soon after rows were marked, at once when an operator
/// asked for a replay, otherwise on <see cref="SyncOptions.ErrorPassInterval"/>, backing off up to an hour while a pass
/// finds nothing new. Only this service marks rows, and it notes that in the journal first: a portal without the note
/// has no error rows, and its due pass is only a look at the note (another replica may have marked rows since), not a
/// request. A pass that finds the error rows empty removes the note.
/// </summary>
internal sealed class ErrorRowPass(ReservationRound rounds, IReservationJournal journal, IOptions<SyncOptions> options, TimeProvider time)
{
    /// <summary>The longest wait between passes: the delay doubles up to it while passes find nothing new.</summary>
    public static readonly TimeSpan LongestDelay = TimeSpan.FromHours(1);

    /// <summary>After the turn's rounds (<paramref name="drained"/>): marks bring the pass back to its interval; a drained queue gets the pass when it is due.</summary>
    public async Task<DrainOutcome> AfterRoundsAsync(TurnContext turn, PortalSchedule schedule, TurnResult drained)
    {
        if (drained.MarkedErrorRows)
        {
            schedule.ErrorPassDelay = options.Value.ErrorPassInterval;
            schedule.ErrorPassDue = time.GetUtcNow() + schedule.ErrorPassDelay;
            return new DrainOutcome(drained, PlanRefused: false);
        }

        if (drained.MoreWork || drained.PausedUntil is not null || (time.GetUtcNow() < schedule.ErrorPassDue && !turn.ReplayRequested))
        {
            return new DrainOutcome(drained, PlanRefused: false);
        }

        if (!turn.ReplayRequested && !await journal.MayHaveErrorRowsAsync(turn.MemberId, CancellationToken.None).ConfigureAwait(false))
        {
            WaitLonger(schedule, full: false);
            return new DrainOutcome(drained, PlanRefused: false);
        }

        var reserved = await rounds.ReserveAsync(turn, gets: 1, options.Value.GetLimit, errorQueue: true, clearing: null).ConfigureAwait(false);
        var result = drained.And(reserved.Result);
        if (reserved.PlanRefused)
        {
            return new DrainOutcome(result, PlanRefused: true);
        }

        if (reserved.Reservations.Count > 0)
        {
            result = result.And(await rounds.ProcessAsync(turn, reserved.Reservations).ConfigureAwait(false));
        }
        else
        {
            await journal.NoErrorRowsAsync(turn.MemberId, CancellationToken.None).ConfigureAwait(false);
        }

        WaitLonger(schedule, full: reserved.Reservations.Sum(r => r.Events.Count) >= options.Value.GetLimit);
        return new DrainOutcome(result, PlanRefused: false);
    }

    /// <summary>
    /// Found nothing or found rows again: either way the next pass can wait longer, up to an hour (a full one goes on at
    /// once); rows marked from now on bring it back to its interval.
    /// </summary>
    private void WaitLonger(PortalSchedule schedule, bool full)
    {
        schedule.ErrorPassDelay = TimeSpan.FromTicks(Math.Min(schedule.ErrorPassDelay.Ticks * 2, LongestDelay.Ticks));
        schedule.ErrorPassDue = time.GetUtcNow() + (full ? TimeSpan.Zero : schedule.ErrorPassDelay);
    }
}
