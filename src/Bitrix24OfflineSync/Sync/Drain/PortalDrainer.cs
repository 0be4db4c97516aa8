using System.Collections.Concurrent;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.Sync.Passes;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// One turn of one portal's drain: finish what the journal holds, adopt orphaned reservations, then reserve →
/// record → fetch → commit → clear, round after round until the queue is empty or the turn is used up, and now and
/// then a pass over the error rows. A stop request only stops new rounds; a round in flight finishes. A method paused
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
    DrainTurnLease turnLease,
    IEnumerable<IDrainProgress> progress,
    SyncMetrics metrics,
    IOptions<SyncOptions> options,
    TimeProvider time,
    ILogger<PortalDrainer> logger)
{
    private readonly ConcurrentDictionary<string, PortalSchedule> _schedules = new(StringComparer.Ordinal);

    public async Task<DrainTally> DrainAsync(PortalRecord portal, CancellationToken stopping, DrainLease? lease = null)
    {
        var tally = new DrainTally { Lease = lease };
        var extended = await plans.HasExtendedAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false) &&
            await DrainReservedAsync(portal, tally, stopping).ConfigureAwait(false);
        if (!extended)
        {
            await basic.DrainAsync(portal, tally, stopping).ConfigureAwait(false);
        }

        if (!tally.MoreWork && tally.PausedUntil is null)
        {
            // The queue is drained: what the turn has left goes to the portal's loads and drift checks.
            await passes.RunAsync(portal, basicPlan: !extended, tally, stopping).ConfigureAwait(false);
        }

        tally.RetryPending = extended && (await journal.KnownPendingAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false)).Count > 0;
        return tally;
    }

    /// <summary>The two-phase drain; answers false when the plan refused a reservation and the portal is now basic.</summary>
    private async Task<bool> DrainReservedAsync(PortalRecord portal, DrainTally tally, CancellationToken stopping)
    {
        var schedule = _schedules.GetOrAdd(portal.MemberId, _ => new PortalSchedule { ErrorPassDelay = options.Value.ErrorPassInterval });
        if (!await RecoverAsync(portal, schedule, tally).ConfigureAwait(false))
        {
            return false;
        }

        while (tally.PausedUntil is null)
        {
            if (tally.Rounds >= options.Value.RoundsPerTurn || stopping.IsCancellationRequested)
            {
                tally.MoreWork = true;
                break;
            }

            // Renewed between rounds: a turn that lost its lease reserves nothing more.
            await turnLease.EnsureHeldAsync(tally.Lease, CancellationToken.None).ConfigureAwait(false);
            if (await ReserveAsync(portal, schedule, tally, errorQueue: false).ConfigureAwait(false) is not { } reservations)
            {
                return false;
            }

            if (reservations.Count == 0)
            {
                if (tally.PausedUntil is null)
                {
                    SyncLog.QueueEmpty(logger, portal.MemberId);
                }

                break;
            }

            using (var round = metrics.StartRound(portal.MemberId, "extended"))
            {
                await processor.ProcessAsync(portal, reservations, tally, CancellationToken.None).ConfigureAwait(false);
                round.Completed();
            }

            tally.Rounds++;
        }

        if (!tally.MoreWork && tally.PausedUntil is null && time.GetUtcNow() >= schedule.ErrorPassDue)
        {
            return await ErrorPassAsync(portal, schedule, tally).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Reserves and records; only reservations that hold rows are recorded (an empty one holds nothing, ever). Null when
    /// the plan refused the reservation.
    /// </summary>
    private async Task<IReadOnlyList<Reservation>?> ReserveAsync(PortalRecord portal, PortalSchedule schedule, DrainTally tally, bool errorQueue)
    {
        QueueRead read;
        try
        {
            read = await queue.ReserveAsync(portal.MemberId, errorQueue, CancellationToken.None).ConfigureAwait(false);
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

        return holding;
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
        if (await ReserveAsync(portal, schedule, tally, errorQueue: true).ConfigureAwait(false) is not { } reservations)
        {
            return false;
        }

        if (reservations.Count == 0)
        {
            schedule.ErrorPassDelay = options.Value.ErrorPassInterval;
        }
        else
        {
            await processor.ProcessAsync(portal, reservations, tally, CancellationToken.None).ConfigureAwait(false);
            schedule.ErrorPassDelay = TimeSpan.FromTicks(Math.Min(schedule.ErrorPassDelay.Ticks * 2, TimeSpan.FromHours(1).Ticks));
        }

        schedule.ErrorPassDue = time.GetUtcNow() + schedule.ErrorPassDelay;
        return true;
    }
}
