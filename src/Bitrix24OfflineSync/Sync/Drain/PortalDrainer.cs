using System.Collections.Concurrent;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.Sync.Model;
using Bitrix24OfflineSync.Sync.Passes;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// One turn of one portal's drain: finish what the journal holds, adopt orphaned reservations when a lost answer may
/// have left some, then reserve → record → fetch → commit → clear, round after round until the queue is empty or the
/// turn is used up (each round's clears and the next reservation in one request), and now and then a pass over the
/// error rows. A stop request only stops new rounds; a round in flight finishes. A method paused
/// for its operating time ends the turn (the next one is due at its reset); a plan that refuses reservations
/// (<c>WRONG_LICENSE</c>) switches the portal to the basic drain. Once the queue is drained, the rest of the turn goes
/// to the portal's loads and drift checks.
/// </summary>
internal sealed class PortalDrainer(
    OfflineQueueClient queue,
    ReservationProcessor processor,
    BasicModeDrainer basic,
    IReservationJournal journal,
    PlanDetector plans,
    PassRunner passes,
    DeadLetterReplays replays,
    DrainTurnLease turnLease,
    IEnumerable<IDrainProgress> progress,
    IEnumerable<IPortalTurnStep> steps,
    SyncMetrics metrics,
    IOptions<SyncOptions> options,
    TimeProvider time,
    ILogger<PortalDrainer> logger)
{
    private readonly ConcurrentDictionary<string, PortalSchedule> _schedules = new(StringComparer.Ordinal);

    public async Task<DrainTally> DrainAsync(PortalRecord portal, CancellationToken stopping, DrainLease? lease = null)
    {
        var tally = new DrainTally { Lease = lease, ReplayRequested = await replays.RequestedAsync(portal.MemberId).ConfigureAwait(false) };
        var extended = await plans.HasExtendedAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false) &&
            await DrainReservedAsync(portal, tally, stopping).ConfigureAwait(false);
        if (!extended)
        {
            await basic.DrainAsync(portal, tally, stopping).ConfigureAwait(false);
        }

        if (!tally.MoreWork && tally.PausedUntil is null)
        {
            // The queue is drained: dead letters an operator asked to replay go next, then the portal's loads and drift checks.
            await replays.ReplayAsync(portal, tally).ConfigureAwait(false);
            await passes.RunAsync(portal, basicPlan: !extended, tally, stopping).ConfigureAwait(false);
        }

        if (!stopping.IsCancellationRequested)
        {
            // The features' steps (the write-back) take their share of every turn, backlog or not.
            var turn = new PortalTurn(portal, tally, turnLease);
            foreach (var step in steps)
            {
                await step.RunAsync(turn, stopping).ConfigureAwait(false);
            }
        }

        tally.RetryPending = extended && (await journal.KnownPendingAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false)).Count > 0;
        return tally;
    }

    /// <summary>The two-phase drain; answers false when the plan refused a reservation and the portal is now basic.</summary>
    private async Task<bool> DrainReservedAsync(PortalRecord portal, DrainTally tally, CancellationToken stopping)
    {
        var schedule = await ScheduleAsync(portal.MemberId).ConfigureAwait(false);
        if (!await RecoverAsync(portal, schedule, tally).ConfigureAwait(false))
        {
            return false;
        }

        // A turn begins with one reservation of up to FirstGetLimit rows (most backlogs are a handful of rows, and a
        // moderate one is then read in one command), unless the last turn left a backlog, and grows while they come
        // back full; each round's clears travel with the next round's reservation.
        var gets = schedule.FirstGets;
        var limit = LimitOf(gets, growing: false);
        schedule.FirstGets = 1;
        if (tally.PausedUntil is null && !stopping.IsCancellationRequested)
        {
            await turnLease.EnsureHeldAsync(tally.Lease, CancellationToken.None).ConfigureAwait(false);
            if (await ReserveAsync(portal, schedule, tally, gets, limit, errorQueue: false, clears: null).ConfigureAwait(false) is not { } first)
            {
                return false;
            }

            var reservations = first.Reservations;
            while (reservations.Count > 0)
            {
                var full = reservations.Sum(r => r.Events.Count) >= gets * limit;
                using var round = metrics.StartRound(portal.MemberId, "extended");
                if (await processor.CommitAsync(portal, reservations, tally, CancellationToken.None).ConfigureAwait(false) is not { } committed)
                {
                    break;
                }

                tally.Rounds++;
                if (tally.Rounds >= options.Value.RoundsPerTurn || stopping.IsCancellationRequested || committed.Resolved.PausedUntil is not null)
                {
                    // The turn's last round clears without reserving more: what is left waits for the next turn.
                    var cleared = await queue.ClearAsync(portal.MemberId, committed.Clears, CancellationToken.None).ConfigureAwait(false);
                    await processor.FinishAsync(committed, cleared, tally, CancellationToken.None).ConfigureAwait(false);
                    tally.MoreWork = full && tally.PausedUntil is null;
                    if (tally.MoreWork)
                    {
                        // The next turn goes on where this one stopped, at the size it had reached.
                        schedule.FirstGets = NextGets(full, reservations.Sum(r => r.Events.Count), committed.Resolved.Fetched);
                    }

                    round.Completed();
                    break;
                }

                gets = NextGets(full, reservations.Sum(r => r.Events.Count), committed.Resolved.Fetched);
                limit = LimitOf(gets, growing: full);
                if (await ReserveAsync(portal, schedule, tally, gets, limit, errorQueue: false, committed).ConfigureAwait(false) is not { } next)
                {
                    return false;
                }

                round.Completed();
                reservations = next.Reservations;
            }

            if (reservations.Count == 0 && tally.PausedUntil is null)
            {
                SyncLog.QueueEmpty(logger, portal.MemberId);
            }
        }

        if (tally.MarkedErrorRows)
        {
            schedule.ErrorPassDelay = options.Value.ErrorPassInterval;
            schedule.ErrorPassDue = time.GetUtcNow() + schedule.ErrorPassDelay;
        }
        else if (!tally.MoreWork && tally.PausedUntil is null && (time.GetUtcNow() >= schedule.ErrorPassDue || tally.ReplayRequested))
        {
            return await ErrorPassAsync(portal, schedule, tally).ConfigureAwait(false);
        }

        return true;
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

    /// <summary>
    /// Reserves (with the previous round's clears, when given) and records; only reservations that hold rows are
    /// recorded (an empty one holds nothing, ever). Null when the plan refused the reservation. The journal notes the
    /// reservation before it is asked for: a lost answer leaves it to the orphan scan, across a restart too.
    /// </summary>
    private async Task<QueueRead?> ReserveAsync(PortalRecord portal, PortalSchedule schedule, DrainTally tally, int gets, int limit, bool errorQueue, CommittedRound? clears)
    {
        QueueRead read;
        QueueClear? cleared = null;
        await journal.BeginReservingAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (clears is null)
            {
                read = await queue.ReserveAsync(portal.MemberId, gets, limit, errorQueue, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                (read, cleared) = await queue.ClearAndReserveAsync(portal.MemberId, clears.Clears, gets, limit, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (BitrixUnavailableException)
        {
            // The answer may be lost after the server reserved rows: look for them at once.
            schedule.OrphanScanDue = DateTimeOffset.MinValue;
            throw;
        }
        catch (BitrixApiException)
        {
            plans.Forget(portal.MemberId);
            throw;
        }

        var holding = read.Reservations.Where(r => r.Events.Count > 0).ToList();
        if (holding.Count > 0)
        {
            var processIds = holding.Select(r => r.ProcessId).ToList();
            await journal.RecordAsync(portal.MemberId, processIds, errorQueue, CancellationToken.None).ConfigureAwait(false);
            foreach (var observer in progress)
            {
                observer.Reserved(portal.MemberId, processIds);
            }
        }

        await journal.EndReservingAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false);
        if (clears is not null)
        {
            // The new reservations are recorded: whatever became of the clears, they are not lost.
            await processor.FinishAsync(clears, cleared!, tally, CancellationToken.None).ConfigureAwait(false);
        }

        if (read.PausedUntil is { } until)
        {
            tally.Pause(until);
        }

        if (read.Error is { } error)
        {
            if (error.IsWrongLicense && holding.Count == 0)
            {
                await plans.LostExtendedAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false);
                return null;
            }

            throw new BitrixApiException(portal.MemberId, "event.offline.get", error);
        }

        return read with { Reservations = holding };
    }

    /// <summary>
    /// The portal's schedule, made at its first turn in this process: an orphan scan at once only when the journal
    /// says a reservation's answer may have been lost; the error rows after their interval.
    /// </summary>
    private async Task<PortalSchedule> ScheduleAsync(string memberId)
    {
        if (_schedules.TryGetValue(memberId, out var schedule))
        {
            return schedule;
        }

        var now = time.GetUtcNow();
        var mayHaveOrphans = await journal.MayHaveOrphansAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        return _schedules.GetOrAdd(memberId, _ => new PortalSchedule
        {
            OrphanScanDue = mayHaveOrphans ? DateTimeOffset.MinValue : now + options.Value.OrphanScanInterval,
            ErrorPassDue = now + options.Value.ErrorPassInterval,
            ErrorPassDelay = options.Value.ErrorPassInterval,
        });
    }

    /// <summary>Finishes the journal's due reservations and adopts orphans; false when the plan refused a re-read.</summary>
    private async Task<bool> RecoverAsync(PortalRecord portal, PortalSchedule schedule, DrainTally tally)
    {
        var pending = await journal.PendingAsync(portal.MemberId, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        if (pending.Count > 0)
        {
            SyncLog.Recovering(logger, portal.MemberId, pending.Count, "journal");
            if (!await RereadAndProcessAsync(portal, pending, tally).ConfigureAwait(false))
            {
                return false;
            }
        }

        if (time.GetUtcNow() < schedule.OrphanScanDue || tally.PausedUntil is not null)
        {
            return true;
        }

        IReadOnlyDictionary<string, bool> reserved;
        try
        {
            reserved = await queue.ReservedProcessIdsAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BitrixMethodPausedException)
        {
            // The scan stays due; the drain goes on without it.
            return true;
        }

        var known = await journal.KnownPendingAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false);
        var orphans = reserved.Where(r => !known.Contains(r.Key)).Select(r => new JournalEntry(r.Key, r.Value, 0)).ToList();
        if (orphans.Count > 0)
        {
            SyncLog.Recovering(logger, portal.MemberId, orphans.Count, "orphan scan");
            foreach (var group in orphans.GroupBy(o => o.ErrorQueue))
            {
                await journal.RecordAsync(portal.MemberId, [.. group.Select(o => o.ProcessId)], group.Key, CancellationToken.None).ConfigureAwait(false);
            }

            if (!await RereadAndProcessAsync(portal, orphans, tally).ConfigureAwait(false))
            {
                return false;
            }
        }

        // Every reservation the server holds is in the journal now.
        await journal.EndReservingAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false);
        schedule.OrphanScanDue = time.GetUtcNow() + options.Value.OrphanScanInterval;
        return true;
    }

    private async Task<bool> RereadAndProcessAsync(PortalRecord portal, IReadOnlyList<JournalEntry> entries, DrainTally tally)
    {
        foreach (var chunk in entries.Chunk(50))
        {
            var read = await queue.RereadAsync(portal.MemberId, chunk, CancellationToken.None).ConfigureAwait(false);
            if (read.Error is { } error)
            {
                if (error.IsWrongLicense)
                {
                    // Reserved rows stay in the journal: the basic drain reads them back with clear=1.
                    await plans.LostExtendedAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false);
                    return false;
                }

                throw new BitrixApiException(portal.MemberId, "event.offline.get", error);
            }

            // Rows already cleared (the crash came after the clear) or moved to the error rows: nothing left to do.
            var empty = read.Reservations.Where(r => r.Events.Count == 0).Select(r => r.ProcessId).ToList();
            await journal.MarkDoneAsync(portal.MemberId, empty, CancellationToken.None).ConfigureAwait(false);
            if (read.PausedUntil is { } until)
            {
                var unread = chunk.Select(e => e.ProcessId).Except(read.Reservations.Select(r => r.ProcessId)).ToList();
                await journal.PostponeAsync(portal.MemberId, unread, "event.offline.get paused for operating time", until, CancellationToken.None).ConfigureAwait(false);
                tally.Pause(until);
            }

            var holding = read.Reservations.Where(r => r.Events.Count > 0).ToList();
            if (holding.Count > 0)
            {
                await processor.ProcessAsync(portal, holding, tally, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return true;
    }

    /// <summary>Rows marked with event.offline.error come back only with error=1; later changes of their objects merge into them.</summary>
    private async Task<bool> ErrorPassAsync(PortalRecord portal, PortalSchedule schedule, DrainTally tally)
    {
        if (await ReserveAsync(portal, schedule, tally, gets: 1, options.Value.GetLimit, errorQueue: true, clears: null).ConfigureAwait(false) is not { } read)
        {
            return false;
        }

        if (read.Reservations.Count > 0)
        {
            await processor.ProcessAsync(portal, read.Reservations, tally, CancellationToken.None).ConfigureAwait(false);
        }

        // Found nothing or found rows again: either way the next pass can wait longer, up to an hour; rows marked
        // from now on bring it back to its interval.
        schedule.ErrorPassDelay = TimeSpan.FromTicks(Math.Min(schedule.ErrorPassDelay.Ticks * 2, TimeSpan.FromHours(1).Ticks));
        schedule.ErrorPassDue = time.GetUtcNow() + (read.Reservations.Sum(r => r.Events.Count) >= options.Value.GetLimit ? TimeSpan.Zero : schedule.ErrorPassDelay);
        return true;
    }
}
