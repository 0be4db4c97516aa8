using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Model;
using Bitrix24OfflineSync.Sync.Resolution;
using Bitrix24OfflineSync.Sync.Turns;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// One round of the reservation protocol, in this order and no other: reserve (<c>clear=0</c>) → record in the
/// journal → fetch → commit → clear → finish. Nothing is cleared before the sink has committed it; a failure leaves the
/// reservations pending in the journal, to be re-read. Right before the commit and right before the queue is touched
/// the turn's lease must still hold; a holder that lost it stops there, its reservations left for the new holder. A
/// round's clears may travel with the next round's reservation (<see cref="ReserveAsync"/>), so each step answers a value
/// and the caller strings them together.
/// </summary>
internal sealed class ReservationRound(
    IChangeResolver resolver,
    IOfflineQueue queue,
    IReservationJournal journal,
    ItemFailures failures,
    IPortalPlans plans,
    PortalSchedules schedules,
    IEnumerable<IDrainProgress> progress,
    IOptions<SyncOptions> options,
    TimeProvider time)
{
    /// <summary>
    /// Reserves <paramref name="gets"/> reservations of up to <paramref name="limit"/> rows (with the clears of
    /// <paramref name="clearing"/> first, in the same request, when given) and records those that hold rows (an empty
    /// one holds nothing, ever). The journal notes the reservation before it is asked for: a lost answer leaves it to the
    /// orphan scan, across a restart too. The result holds what became of <paramref name="clearing"/>.
    /// </summary>
    public async Task<Reserved> ReserveAsync(TurnContext turn, int gets, int limit, bool errorQueue, CommittedRound? clearing)
    {
        var memberId = turn.MemberId;
        QueueRead read;
        ClearOutcome? cleared = null;
        await journal.BeginReservingAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        try
        {
            (read, cleared) = clearing is null
                ? (await queue.ReserveAsync(memberId, gets, limit, errorQueue, CancellationToken.None).ConfigureAwait(false), null)
                : await queue.ClearAndReserveAsync(memberId, clearing.Clears, gets, limit, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BitrixUnavailableException)
        {
            // The answer may be lost after the server reserved rows: look for them at once.
            await schedules.OrphansPossibleAsync(memberId).ConfigureAwait(false);
            throw;
        }
        catch (BitrixApiException)
        {
            plans.Forget(memberId);
            throw;
        }

        var holding = read.Reservations.Where(r => r.Events.Count > 0).ToList();
        if (holding.Count > 0)
        {
            var processIds = holding.Select(r => r.ProcessId).ToList();
            await journal.RecordAsync(memberId, processIds, errorQueue, CancellationToken.None).ConfigureAwait(false);
            Report(p => p.Reserved(memberId, processIds));
        }

        await journal.EndReservingAsync(memberId, CancellationToken.None).ConfigureAwait(false);

        // The new reservations are recorded: whatever became of the clears, they are not lost.
        var result = clearing is null ? TurnResult.None : await FinishAsync(clearing, cleared!).ConfigureAwait(false);
        result = result.And(TurnResult.Paused(read.PausedUntil));
        if (read.Error is { } error)
        {
            if (error.IsWrongLicense && holding.Count == 0)
            {
                await plans.LostExtendedAsync(memberId, CancellationToken.None).ConfigureAwait(false);
                return new Reserved([], result, PlanRefused: true);
            }

            throw new BitrixApiException(memberId, "event.offline.get", error);
        }

        return new Reserved(holding, result, PlanRefused: false);
    }

    /// <summary>
    /// Fetches and commits the reservations' objects, dead-letters (and marks with <c>event.offline.error</c>) the rows
    /// that failed too often, and answers what to clear; the caller clears it (<see cref="ClearAsync"/>, or with the next
    /// reservation). Postponed when the fetch was paused for operating time: the reservations wait for the reset.
    /// </summary>
    public async Task<CommittedRound> CommitAsync(TurnContext turn, IReadOnlyList<Reservation> reservations)
    {
        var memberId = turn.MemberId;
        var processIds = reservations.Select(r => r.ProcessId).ToList();
        var events = reservations.SelectMany(r => r.Events).ToList();

        ResolvedBatch resolved;
        try
        {
            resolved = await resolver.ResolveAsync(memberId, events, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BitrixMethodPausedException ex)
        {
            await PostponeAsync(memberId, processIds, ex.Message, ex.Until).ConfigureAwait(false);
            return CommittedRound.Postponed(memberId, ex.Until);
        }
        catch (Exception ex) when (ex is BitrixUnavailableException or BitrixApiException)
        {
            await PostponeAsync(memberId, processIds, ex.Message, time.GetUtcNow() + options.Value.RetryDelay).ConfigureAwait(false);
            throw;
        }

        Report(p => p.Fetched(memberId, processIds));
        SinkCommitResult committed;
        try
        {
            committed = await turn.CommitAsync("b_", processIds, resolved.Changes, processIds).ConfigureAwait(false);
        }
        catch (SinkUnavailableException ex)
        {
            await PostponeAsync(memberId, processIds, ex.Reason, time.GetUtcNow() + options.Value.RetryDelay).ConfigureAwait(false);
            throw;
        }

        Report(p => p.Committed(memberId, processIds));
        // An object the sink refused on its own fails like one that could not be fetched: its rows are kept and
        // retried, and after Sync:MaxItemAttempts dead-lettered and marked.
        var (taken, refused) = ItemFailures.Split(resolved.Changes, committed);
        var (poison, retry) = await failures.CountAsync(memberId, [.. resolved.Failures, .. refused], CancellationToken.None).ConfigureAwait(false);
        await failures.TakenAsync(memberId, taken, CancellationToken.None).ConfigureAwait(false);
        await turn.EnsureHeldAsync(CancellationToken.None).ConfigureAwait(false);

        // A reservation holding a row to retry, or a row of a paused object, keeps that row: only its other rows are
        // cleared, by message id. A paused object waits for its method's reset, without counting as a failure.
        var keepIds = retry.SelectMany(f => f.MessageIds).Concat(resolved.Paused.SelectMany(p => p.MessageIds)).ToHashSet(StringComparer.Ordinal);
        var clears = reservations.Select(r => r.Events.Any(e => keepIds.Contains(e.MessageId))
            ? QueueClear.Rows(r.ProcessId, [.. r.Events.Select(e => e.MessageId).Where(m => !keepIds.Contains(m))])
            : QueueClear.All(r.ProcessId)).ToList();
        var marked = false;
        if (poison.Count > 0)
        {
            var byMessage = events.GroupBy(e => e.MessageId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            await failures.DeadLetterAsync(memberId, poison, byMessage, CancellationToken.None).ConfigureAwait(false);
            try
            {
                marked = await MarkPoisonAsync(memberId, reservations, poison).ConfigureAwait(false);
            }
            catch (BitrixMethodPausedException ex)
            {
                // Committed but not cleared: the reservations are re-read after the reset, and their rows committed again.
                await PostponeAsync(memberId, processIds, ex.Message, ex.Until).ConfigureAwait(false);
                return CommittedRound.Postponed(memberId, ex.Until);
            }
        }

        Report(p => p.Clearing(memberId, processIds));
        return new CommittedRound(memberId, processIds, clears, resolved with { Changes = taken }, retry.Count, events.Count, marked);
    }

    /// <summary>Clears a committed round on its own (the turn's last round, which reserves nothing next) and finishes it.</summary>
    public async Task<TurnResult> ClearAsync(CommittedRound round) =>
        await FinishAsync(round, await queue.ClearAsync(round.MemberId, round.Clears, CancellationToken.None).ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>A whole round on its own, commit then clear: recoveries and the error rows, which reserve nothing next.</summary>
    public async Task<TurnResult> ProcessAsync(TurnContext turn, IReadOnlyList<Reservation> reservations)
    {
        var round = await CommitAsync(turn, reservations).ConfigureAwait(false);
        return round.PausedUntil is { } until ? TurnResult.Paused(until) : await ClearAsync(round).ConfigureAwait(false);
    }

    /// <summary>After the round's clears: the reservations done, the kept rows postponed, or all of them when the clears did not run.</summary>
    private async Task<TurnResult> FinishAsync(CommittedRound round, ClearOutcome cleared)
    {
        var memberId = round.MemberId;
        var marked = new TurnResult { MarkedErrorRows = round.MarkedErrorRows };
        if (cleared.PausedUntil is { } pausedUntil)
        {
            // Committed but not cleared: the reservations are re-read after the reset, and their rows committed again.
            await PostponeAsync(memberId, round.ProcessIds, $"event.offline.clear for portal {memberId} is paused for its operating time until {pausedUntil:O}", pausedUntil).ConfigureAwait(false);
            return marked.And(TurnResult.Paused(pausedUntil));
        }

        if (cleared.Error is { } error)
        {
            // A failed clear leaves the reservations pending as they were: the next turn re-reads them.
            throw new BitrixApiException(memberId, "event.offline.clear", error);
        }

        Report(p => p.Cleared(memberId, round.ProcessIds));
        var keep = round.Clears.Where(c => !c.Whole).Select(c => c.ProcessId).ToList();
        await journal.MarkDoneAsync(memberId, [.. round.ProcessIds.Except(keep)], CancellationToken.None).ConfigureAwait(false);
        var result = marked with { Events = round.Events, Objects = round.Resolved.Changes.Count };
        if (keep.Count > 0)
        {
            var next = time.GetUtcNow() + options.Value.RetryDelay;
            if (round.Resolved.PausedUntil is { } until)
            {
                // Paused rows wait for the reset; failed ones for at least the retry delay.
                next = round.Retries == 0 || until > next ? until : next;
                result = result.And(TurnResult.Paused(until));
            }

            await PostponeAsync(memberId, keep, round.Resolved.Paused.Count > 0 ? "paused for operating time" : "objects failed; retried later", next).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Marks the poison rows of normal reservations; answers whether it marked any. Bitrix24 marks only rows not marked
    /// yet: a row from the error rows that fails again is cleared with its reservation, and its dead letter stays.
    /// </summary>
    private async Task<bool> MarkPoisonAsync(string memberId, IReadOnlyList<Reservation> reservations, IReadOnlyList<ItemFailure> poison)
    {
        var poisonIds = poison.SelectMany(f => f.MessageIds).ToHashSet(StringComparer.Ordinal);
        var markedAny = false;
        foreach (var reservation in reservations.Where(r => !r.ErrorQueue))
        {
            var marked = reservation.Events.Select(e => e.MessageId).Where(poisonIds.Contains).ToList();
            if (marked.Count > 0)
            {
                if (!markedAny)
                {
                    // Noted before the rows are marked: a crash in between leaves a pass that finds nothing, not rows unseen.
                    await journal.ErrorRowsMarkedAsync(memberId, CancellationToken.None).ConfigureAwait(false);
                }

                await queue.MarkErrorAsync(memberId, reservation.ProcessId, marked, CancellationToken.None).ConfigureAwait(false);
                markedAny = true;
            }
        }

        return markedAny;
    }

    private Task PostponeAsync(string memberId, IReadOnlyCollection<string> processIds, string reason, DateTimeOffset next) =>
        journal.PostponeAsync(memberId, processIds, reason, next, CancellationToken.None);

    private void Report(Action<IDrainProgress> step)
    {
        foreach (var observer in progress)
        {
            step(observer);
        }
    }
}

/// <summary>What a reservation brought: the reservations holding rows, what became of the clears sent with it, and whether the plan refused it.</summary>
internal sealed record Reserved(IReadOnlyList<Reservation> Reservations, TurnResult Result, bool PlanRefused);

/// <summary>
/// A round whose objects are committed and whose rows are to be cleared (whole reservations, or some of their rows);
/// or, when <see cref="PausedUntil"/> is set, a round that waits in the journal for a method's reset, with nothing to clear.
/// </summary>
internal sealed record CommittedRound(
    string MemberId,
    IReadOnlyList<string> ProcessIds,
    IReadOnlyList<QueueClear> Clears,
    ResolvedBatch Resolved,
    int Retries,
    int Events,
    bool MarkedErrorRows,
    DateTimeOffset? PausedUntil = null)
{
    public static CommittedRound Postponed(string memberId, DateTimeOffset until) =>
        new(memberId, [], [], new ResolvedBatch([], [], []), 0, 0, MarkedErrorRows: false, until);
}
