using System.Collections.Concurrent;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Leases;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// One turn of one portal's drain: finish what the journal holds, adopt orphaned reservations, then reserve →
/// record → fetch → commit → clear, round after round until the queue is empty or the turn is used up, and now and
/// then a pass over the error rows. A stop request only stops new rounds; a round in flight finishes.
/// </summary>
internal sealed class PortalDrainer(
    OfflineQueueClient queue,
    ReservationProcessor processor,
    BasicModeDrainer basic,
    IDrainJournal journal,
    PlanDetector plans,
    DrainTurnLease turnLease,
    IEnumerable<IDrainProgress> progress,
    IOptions<SyncOptions> options,
    TimeProvider time,
    ILogger<PortalDrainer> logger)
{
    private readonly ConcurrentDictionary<string, PortalSchedule> _schedules = new(StringComparer.Ordinal);

    public async Task<DrainTally> DrainAsync(PortalRecord portal, CancellationToken stopping, DrainLease? lease = null)
    {
        var tally = new DrainTally { Lease = lease };
        if (!await plans.HasExtendedAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false))
        {
            await basic.DrainAsync(portal, tally, stopping).ConfigureAwait(false);
            return tally;
        }

        var schedule = _schedules.GetOrAdd(portal.MemberId, _ => new PortalSchedule { ErrorPassDelay = options.Value.ErrorPassInterval });
        await RecoverAsync(portal, schedule, tally).ConfigureAwait(false);
        while (true)
        {
            if (tally.Rounds >= options.Value.RoundsPerTurn || stopping.IsCancellationRequested)
            {
                tally.MoreWork = true;
                break;
            }

            // Renewed between rounds: a turn that lost its lease reserves nothing more.
            await turnLease.EnsureHeldAsync(lease, CancellationToken.None).ConfigureAwait(false);
            var reservations = await ReserveAsync(portal, schedule, errorQueue: false).ConfigureAwait(false);
            if (reservations.Count == 0)
            {
                SyncLog.QueueEmpty(logger, portal.MemberId);
                break;
            }

            await processor.ProcessAsync(portal, reservations, tally, CancellationToken.None).ConfigureAwait(false);
            tally.Rounds++;
        }

        if (!tally.MoreWork && time.GetUtcNow() >= schedule.ErrorPassDue)
        {
            await ErrorPassAsync(portal, schedule, tally).ConfigureAwait(false);
        }

        tally.RetryPending = (await journal.KnownPendingAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false)).Count > 0;
        return tally;
    }

    /// <summary>Reserves and records; only reservations that hold rows are recorded (an empty one holds nothing, ever).</summary>
    private async Task<IReadOnlyList<Reservation>> ReserveAsync(PortalRecord portal, PortalSchedule schedule, bool errorQueue)
    {
        IReadOnlyList<Reservation> reserved;
        try
        {
            reserved = await queue.ReserveAsync(portal.MemberId, errorQueue, CancellationToken.None).ConfigureAwait(false);
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

        var holding = reserved.Where(r => r.Events.Count > 0).ToList();
        if (holding.Count > 0)
        {
            var processIds = holding.Select(r => r.ProcessId).ToList();
            await journal.RecordAsync(portal.MemberId, processIds, errorQueue, CancellationToken.None).ConfigureAwait(false);
            foreach (var observer in progress)
            {
                observer.Reserved(portal.MemberId, processIds);
            }
        }

        return holding;
    }

    private async Task RecoverAsync(PortalRecord portal, PortalSchedule schedule, DrainTally tally)
    {
        var pending = await journal.PendingAsync(portal.MemberId, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        if (pending.Count > 0)
        {
            SyncLog.Recovering(logger, portal.MemberId, pending.Count, "journal");
            await RereadAndProcessAsync(portal, pending, tally).ConfigureAwait(false);
        }

        if (time.GetUtcNow() < schedule.OrphanScanDue)
        {
            return;
        }

        var reserved = await queue.ReservedProcessIdsAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false);
        var known = await journal.KnownPendingAsync(portal.MemberId, CancellationToken.None).ConfigureAwait(false);
        var orphans = reserved.Where(r => !known.Contains(r.Key)).Select(r => new JournalEntry(r.Key, r.Value, 0)).ToList();
        if (orphans.Count > 0)
        {
            SyncLog.Recovering(logger, portal.MemberId, orphans.Count, "orphan scan");
            foreach (var group in orphans.GroupBy(o => o.ErrorQueue))
            {
                await journal.RecordAsync(portal.MemberId, [.. group.Select(o => o.ProcessId)], group.Key, CancellationToken.None).ConfigureAwait(false);
            }

            await RereadAndProcessAsync(portal, orphans, tally).ConfigureAwait(false);
        }

        schedule.OrphanScanDue = time.GetUtcNow() + options.Value.OrphanScanInterval;
    }

    private async Task RereadAndProcessAsync(PortalRecord portal, IReadOnlyList<JournalEntry> entries, DrainTally tally)
    {
        foreach (var chunk in entries.Chunk(50))
        {
            var reservations = await queue.RereadAsync(portal.MemberId, chunk, CancellationToken.None).ConfigureAwait(false);
            var holding = reservations.Where(r => r.Events.Count > 0).ToList();
            var empty = chunk.Select(e => e.ProcessId).Except(holding.Select(r => r.ProcessId)).ToList();
            // Rows already cleared (the crash came after the clear) or moved to the error rows: nothing left to do.
            await journal.MarkDoneAsync(portal.MemberId, empty, CancellationToken.None).ConfigureAwait(false);
            if (holding.Count > 0)
            {
                await processor.ProcessAsync(portal, holding, tally, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Rows marked with event.offline.error come back only with error=1; later changes of their objects merge into them.</summary>
    private async Task ErrorPassAsync(PortalRecord portal, PortalSchedule schedule, DrainTally tally)
    {
        var reservations = await ReserveAsync(portal, schedule, errorQueue: true).ConfigureAwait(false);
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
    }
}
