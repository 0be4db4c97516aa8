using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Leases;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// The drain for plans without <c>rest_offline_extended</c>, where the only read is <c>clear=1</c>: the server
/// deletes rows as it returns them. The rows are written to a local inbox before anything else and leave it only
/// after the sink committed them, so what arrives is synced at least once; a read whose answer is lost in transit
/// is lost, and no API call can bring it back. That is the most this plan allows, and the logs say so.
/// </summary>
internal sealed class BasicModeDrainer(
    OfflineQueueClient queue,
    IChangeResolver resolver,
    IReservationJournal journal,
    IBasicInbox inbox,
    ItemFailures failures,
    DrainTurnLease turnLease,
    SyncMetrics metrics,
    IOptions<SyncOptions> options)
{
    public async Task DrainAsync(PortalRecord portal, DrainTally tally, CancellationToken stopping)
    {
        try
        {
            await TakeBackReservationsAsync(portal.MemberId, tally).ConfigureAwait(false);
            await DrainInboxAsync(portal, tally, stopping).ConfigureAwait(false);
        }
        catch (BitrixMethodPausedException ex)
        {
            tally.Pause(ex.Until);
        }
    }

    /// <summary>
    /// Reservations recorded while the plan still had the feature: <c>clear=1</c> with their process id reads their
    /// rows back (and deletes them), into the inbox first.
    /// </summary>
    private async Task TakeBackReservationsAsync(string memberId, DrainTally tally)
    {
        foreach (var processId in await journal.KnownPendingAsync(memberId, CancellationToken.None).ConfigureAwait(false))
        {
            await turnLease.EnsureHeldAsync(tally.Lease, CancellationToken.None).ConfigureAwait(false);
            var rows = await queue.ReadAndDeleteAsync(memberId, processId, CancellationToken.None).ConfigureAwait(false);
            if (rows.Count > 0)
            {
                await inbox.SaveAsync(memberId, rows, CancellationToken.None).ConfigureAwait(false);
            }

            await journal.MarkDoneAsync(memberId, [processId], CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task DrainInboxAsync(PortalRecord portal, DrainTally tally, CancellationToken stopping)
    {
        var memberId = portal.MemberId;
        while (true)
        {
            if (tally.Rounds >= options.Value.RoundsPerTurn || stopping.IsCancellationRequested)
            {
                tally.MoreWork = true;
                return;
            }

            await turnLease.EnsureHeldAsync(tally.Lease, CancellationToken.None).ConfigureAwait(false);
            var rows = await inbox.ReadAsync(memberId, options.Value.GetLimit, CancellationToken.None).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                var read = await queue.ReadAndDeleteAsync(memberId, processId: null, CancellationToken.None).ConfigureAwait(false);
                if (read.Count == 0)
                {
                    return;
                }

                await inbox.SaveAsync(memberId, read, CancellationToken.None).ConfigureAwait(false);
                rows = read;
            }

            using var round = metrics.StartRound(memberId, "basic");
            var resolved = await resolver.ResolveAsync(memberId, rows, CancellationToken.None).ConfigureAwait(false);
            var batchId = BatchIds.For("i_", rows.Select(e => e.MessageId));
            var committed = await turnLease.CommitAsync(new SinkBatch(memberId, portal.Domain, batchId, resolved.Changes), tally.Lease, CancellationToken.None).ConfigureAwait(false);
            var (taken, refused) = ItemFailures.Split(resolved.Changes, committed);
            var (poison, retry) = await failures.CountAsync(memberId, [.. resolved.Failures, .. refused], CancellationToken.None).ConfigureAwait(false);
            await failures.TakenAsync(memberId, taken, CancellationToken.None).ConfigureAwait(false);
            await failures.DeadLetterAsync(memberId, poison, rows.ToDictionary(e => e.MessageId, StringComparer.Ordinal), CancellationToken.None).ConfigureAwait(false);

            // Rows of failed objects and of objects whose method is paused stay in the inbox for a later turn.
            var keep = retry.SelectMany(f => f.MessageIds).Concat(resolved.Paused.SelectMany(p => p.MessageIds)).ToHashSet(StringComparer.Ordinal);
            await inbox.RemoveAsync(memberId, [.. rows.Select(e => e.MessageId).Where(m => !keep.Contains(m))], CancellationToken.None).ConfigureAwait(false);
            tally.Events += rows.Count;
            tally.Objects += taken.Count;
            tally.Rounds++;
            round.Completed();
            if (resolved.PausedUntil is { } until)
            {
                tally.Pause(until);
                return;
            }

            if (keep.Count > 0 && keep.Count == rows.Count)
            {
                // Only failing rows are left: wait for the next turn rather than spin on them.
                tally.MoreWork = false;
                return;
            }
        }
    }
}
