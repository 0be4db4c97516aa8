using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Turns;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// The start of a portal's turn: reservations the journal holds that are due (a failed or postponed round, a crash
/// between commit and clear) are re-read by process id and taken through their round again; and now and then, or at
/// once when an answer may have been lost, the server's reservations are listed and any the journal does not know (an
/// orphan: reserved, its answer lost) are recorded and taken through too.
/// </summary>
internal sealed class OrphanRecovery(
    IOfflineQueue queue,
    ReservationRound rounds,
    IReservationJournal journal,
    IPortalPlans plans,
    IOptions<SyncOptions> options,
    TimeProvider time,
    ILogger<OrphanRecovery> logger)
{
    /// <summary>Finishes the journal's due reservations and adopts orphans; the plan may refuse a re-read.</summary>
    public async Task<DrainOutcome> RecoverAsync(TurnContext turn, PortalSchedule schedule)
    {
        var memberId = turn.MemberId;
        var result = TurnResult.None;
        var pending = await journal.PendingAsync(memberId, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        if (pending.Count > 0)
        {
            SyncLog.Recovering(logger, memberId, pending.Count, "journal");
            var reread = await RereadAsync(turn, pending).ConfigureAwait(false);
            if (reread.PlanRefused)
            {
                return reread;
            }

            result = reread.Result;
        }

        if (time.GetUtcNow() < schedule.OrphanScanDue || result.PausedUntil is not null)
        {
            return new DrainOutcome(result, PlanRefused: false);
        }

        IReadOnlyDictionary<string, bool> reserved;
        try
        {
            reserved = await queue.ReservedProcessIdsAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BitrixMethodPausedException)
        {
            // The scan stays due; the drain goes on without it.
            return new DrainOutcome(result, PlanRefused: false);
        }

        var known = await journal.KnownPendingAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        var orphans = reserved.Where(r => !known.Contains(r.Key)).Select(r => new JournalEntry(r.Key, r.Value, 0)).ToList();
        if (orphans.Count > 0)
        {
            SyncLog.Recovering(logger, memberId, orphans.Count, "orphan scan");
            foreach (var group in orphans.GroupBy(o => o.ErrorQueue))
            {
                await journal.RecordAsync(memberId, [.. group.Select(o => o.ProcessId)], group.Key, CancellationToken.None).ConfigureAwait(false);
            }

            var adopted = await RereadAsync(turn, orphans).ConfigureAwait(false);
            if (adopted.PlanRefused)
            {
                return new DrainOutcome(result.And(adopted.Result), PlanRefused: true);
            }

            result = result.And(adopted.Result);
        }

        // Every reservation the server holds is in the journal now.
        await journal.EndReservingAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        schedule.OrphanScanDue = time.GetUtcNow() + options.Value.OrphanScanInterval;
        return new DrainOutcome(result, PlanRefused: false);
    }

    private async Task<DrainOutcome> RereadAsync(TurnContext turn, IReadOnlyList<JournalEntry> entries)
    {
        var memberId = turn.MemberId;
        var result = TurnResult.None;
        foreach (var chunk in entries.Chunk(50))
        {
            var read = await queue.RereadAsync(memberId, chunk, CancellationToken.None).ConfigureAwait(false);
            if (read.Error is { } error)
            {
                if (error.IsWrongLicense)
                {
                    // Reserved rows stay in the journal: the basic drain reads them back with clear=1.
                    await plans.LostExtendedAsync(memberId, CancellationToken.None).ConfigureAwait(false);
                    return new DrainOutcome(result, PlanRefused: true);
                }

                throw new BitrixApiException(memberId, "event.offline.get", error);
            }

            // Rows already cleared (the crash came after the clear) or moved to the error rows: nothing left to do.
            var empty = read.Reservations.Where(r => r.Events.Count == 0).Select(r => r.ProcessId).ToList();
            await journal.MarkDoneAsync(memberId, empty, CancellationToken.None).ConfigureAwait(false);
            if (read.PausedUntil is { } until)
            {
                var unread = chunk.Select(e => e.ProcessId).Except(read.Reservations.Select(r => r.ProcessId)).ToList();
                await journal.PostponeAsync(memberId, unread, "event.offline.get paused for operating time", until, CancellationToken.None).ConfigureAwait(false);
                result = result.And(TurnResult.Paused(until));
            }

            var holding = read.Reservations.Where(r => r.Events.Count > 0).ToList();
            if (holding.Count > 0)
            {
                result = result.And(await rounds.ProcessAsync(turn, holding).ConfigureAwait(false));
            }
        }

        return new DrainOutcome(result, PlanRefused: false);
    }
}

/// <summary>What a part of the reservation drain did, and whether the plan refused a reservation (the portal is now basic).</summary>
internal sealed record DrainOutcome(TurnResult Result, bool PlanRefused);
