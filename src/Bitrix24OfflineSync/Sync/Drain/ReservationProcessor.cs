using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.Sync.Model;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// Takes reservations already recorded in the journal through fetch → commit → clear, in that order and no other:
/// nothing is cleared before the sink has committed it. A failure leaves the reservations pending, to be re-read.
/// Right before the commit and right before the queue is touched the turn's lease must still hold; a holder that lost
/// it stops there, its reservations left for the new holder.
/// </summary>
internal sealed class ReservationProcessor(
    IChangeResolver resolver,
    OfflineQueueClient queue,
    IReservationJournal journal,
    ItemFailures failures,
    DrainTurnLease turnLease,
    IEnumerable<IDrainProgress> progress,
    IOptions<SyncOptions> options,
    TimeProvider time)
{
    /// <summary>A whole round on its own: commit, then clear (recoveries and the error pass, which reserve nothing next).</summary>
    public async Task ProcessAsync(PortalRecord portal, IReadOnlyList<Reservation> reservations, DrainTally tally, CancellationToken cancellationToken)
    {
        if (await CommitAsync(portal, reservations, tally, cancellationToken).ConfigureAwait(false) is { } round)
        {
            var cleared = await queue.ClearAsync(portal.MemberId, round.Clears, cancellationToken).ConfigureAwait(false);
            await FinishAsync(round, cleared, tally, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Fetches and commits the reservations' objects, dead-letters (and marks with <c>event.offline.error</c>) the rows
    /// that failed too often, and answers what to clear; the caller clears it and hands the outcome to
    /// <see cref="FinishAsync"/>. Null when the fetch was paused for operating time: the reservations wait for the reset.
    /// </summary>
    public async Task<CommittedRound?> CommitAsync(PortalRecord portal, IReadOnlyList<Reservation> reservations, DrainTally tally, CancellationToken cancellationToken)
    {
        var memberId = portal.MemberId;
        var processIds = reservations.Select(r => r.ProcessId).ToList();
        var events = reservations.SelectMany(r => r.Events).ToList();
        var byMessage = events.GroupBy(e => e.MessageId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        ResolvedBatch resolved;
        try
        {
            resolved = await resolver.ResolveAsync(memberId, events, cancellationToken).ConfigureAwait(false);
        }
        catch (BitrixMethodPausedException ex)
        {
            await PostponeAsync(memberId, processIds, ex.Message, ex.Until, cancellationToken).ConfigureAwait(false);
            tally.Pause(ex.Until);
            return null;
        }
        catch (Exception ex) when (ex is BitrixUnavailableException or BitrixApiException)
        {
            await PostponeAsync(memberId, processIds, ex.Message, time.GetUtcNow() + options.Value.RetryDelay, cancellationToken).ConfigureAwait(false);
            throw;
        }

        Report(p => p.Fetched(memberId, processIds));
        var batch = new SinkBatch(memberId, portal.Domain, BatchIds.For("b_", processIds), resolved.Changes, processIds);
        SinkCommitResult committed;
        try
        {
            committed = await turnLease.CommitAsync(batch, tally.Lease, cancellationToken).ConfigureAwait(false);
        }
        catch (SinkUnavailableException ex)
        {
            await PostponeAsync(memberId, processIds, ex.Reason, time.GetUtcNow() + options.Value.RetryDelay, cancellationToken).ConfigureAwait(false);
            throw;
        }

        Report(p => p.Committed(memberId, batch));
        // An object the sink refused on its own fails like one that could not be fetched: its rows are kept and
        // retried, and after Sync:MaxItemAttempts dead-lettered and marked.
        var (taken, refused) = ItemFailures.Split(resolved.Changes, committed);
        var (poison, retry) = await failures.CountAsync(memberId, [.. resolved.Failures, .. refused], cancellationToken).ConfigureAwait(false);
        await failures.TakenAsync(memberId, taken, cancellationToken).ConfigureAwait(false);
        await turnLease.EnsureHeldAsync(tally.Lease, cancellationToken).ConfigureAwait(false);

        // A reservation holding a row to retry, or a row of a paused object, keeps that row: only its other rows are
        // cleared, by message id. A paused object waits for its method's reset, without counting as a failure.
        var keepIds = retry.SelectMany(f => f.MessageIds).Concat(resolved.Paused.SelectMany(p => p.MessageIds)).ToHashSet(StringComparer.Ordinal);
        var clears = reservations.Select(r => (r.ProcessId, r.Events.Any(e => keepIds.Contains(e.MessageId))
            ? (IReadOnlyList<string>?)[.. r.Events.Select(e => e.MessageId).Where(m => !keepIds.Contains(m))]
            : null)).ToList();
        if (poison.Count > 0)
        {
            await failures.DeadLetterAsync(memberId, poison, byMessage, cancellationToken).ConfigureAwait(false);
            try
            {
                tally.MarkedErrorRows |= await MarkPoisonAsync(memberId, reservations, poison, cancellationToken).ConfigureAwait(false);
            }
            catch (BitrixMethodPausedException ex)
            {
                // Committed but not cleared: the reservations are re-read after the reset, and their rows committed again.
                await PostponeAsync(memberId, processIds, ex.Message, ex.Until, cancellationToken).ConfigureAwait(false);
                tally.Pause(ex.Until);
                return null;
            }
        }

        Report(p => p.Clearing(memberId, processIds));
        return new CommittedRound(memberId, processIds, clears, resolved with { Changes = taken }, retry.Count, events.Count);
    }

    /// <summary>After the round's clears: the reservations done, the kept rows postponed, or all of them when the clears did not run.</summary>
    public async Task FinishAsync(CommittedRound round, QueueClear cleared, DrainTally tally, CancellationToken cancellationToken)
    {
        var memberId = round.MemberId;
        if (cleared.PausedUntil is { } pausedUntil)
        {
            // Committed but not cleared: the reservations are re-read after the reset, and their rows committed again.
            await PostponeAsync(memberId, round.ProcessIds, $"event.offline.clear for portal {memberId} is paused for its operating time until {pausedUntil:O}", pausedUntil, cancellationToken).ConfigureAwait(false);
            tally.Pause(pausedUntil);
            return;
        }

        if (cleared.Error is { } error)
        {
            // A failed clear leaves the reservations pending as they were: the next turn re-reads them.
            throw new BitrixApiException(memberId, "event.offline.clear", error);
        }

        Report(p => p.Cleared(memberId, round.ProcessIds));

        var keep = round.Clears.Where(c => c.MessageIds is not null).Select(c => c.ProcessId).ToList();
        await journal.MarkDoneAsync(memberId, [.. round.ProcessIds.Except(keep)], cancellationToken).ConfigureAwait(false);
        if (keep.Count > 0)
        {
            var next = time.GetUtcNow() + options.Value.RetryDelay;
            if (round.Resolved.PausedUntil is { } until)
            {
                // Paused rows wait for the reset; failed ones for at least the retry delay.
                next = round.Retries == 0 || until > next ? until : next;
                tally.Pause(until);
            }

            await PostponeAsync(memberId, keep, round.Resolved.Paused.Count > 0 ? "paused for operating time" : "objects failed; retried later", next, cancellationToken).ConfigureAwait(false);
        }

        tally.Events += round.Events;
        tally.Objects += round.Resolved.Changes.Count;
    }

    /// <summary>
    /// Marks the poison rows of normal reservations; answers whether it marked any. Bitrix24 marks only rows not marked
    /// yet: a row from the error rows that fails again is cleared with its reservation, and its dead letter stays.
    /// </summary>
    private async Task<bool> MarkPoisonAsync(string memberId, IReadOnlyList<Reservation> reservations, IReadOnlyList<ItemFailure> poison, CancellationToken cancellationToken)
    {
        var poisonIds = poison.SelectMany(f => f.MessageIds).ToHashSet(StringComparer.Ordinal);
        var markedAny = false;
        foreach (var reservation in reservations.Where(r => !r.ErrorQueue))
        {
            var marked = reservation.Events.Select(e => e.MessageId).Where(poisonIds.Contains).ToList();
            if (marked.Count > 0)
            {
                await queue.MarkErrorAsync(memberId, reservation.ProcessId, marked, cancellationToken).ConfigureAwait(false);
                markedAny = true;
            }
        }

        return markedAny;
    }

    private Task PostponeAsync(string memberId, IReadOnlyCollection<string> processIds, string reason, DateTimeOffset next, CancellationToken cancellationToken) =>
        journal.PostponeAsync(memberId, processIds, reason, next, cancellationToken);

    private void Report(Action<IDrainProgress> step)
    {
        foreach (var observer in progress)
        {
            step(observer);
        }
    }
}

/// <summary>A round whose objects are committed and whose rows are to be cleared (whole reservations, or by message id).</summary>
internal sealed record CommittedRound(
    string MemberId,
    IReadOnlyList<string> ProcessIds,
    IReadOnlyList<(string ProcessId, IReadOnlyList<string>? MessageIds)> Clears,
    ResolvedBatch Resolved,
    int Retries,
    int Events);
