using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Resolution;
using Bitrix24OfflineSync.Sync.Turns;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// The drain for plans without <c>rest_offline_extended</c>, where the only read is <c>clear=1</c>: the server
/// deletes rows as it returns them. The rows are written to a local inbox before anything else and leave it only
/// after the sink committed them, so what arrives is synced at least once; a read whose answer is lost in transit
/// is lost, and no API call can bring it back. That is the most this plan allows, and the logs say so.
/// </summary>
internal sealed class BasicModeDrainer(
    IOfflineQueue queue,
    IChangeResolver resolver,
    IReservationJournal journal,
    IBasicInbox inbox,
    ItemFailures failures,
    SyncMetrics metrics,
    IOptions<SyncOptions> options)
{
    /// <summary>Drains what the turn has left of its rounds (<paramref name="roundsUsed"/> of them are spent).</summary>
    public async Task<TurnResult> DrainAsync(TurnContext turn, int roundsUsed, CancellationToken stopping)
    {
        var result = TurnResult.None;
        try
        {
            await TakeBackReservationsAsync(turn).ConfigureAwait(false);
            while (roundsUsed + result.Rounds < options.Value.RoundsPerTurn && !stopping.IsCancellationRequested)
            {
                if (await RoundAsync(turn).ConfigureAwait(false) is not { } round)
                {
                    return result;
                }

                // A round's MoreWork says whether to go on within this turn; the turn's own is set below.
                result = result.And(round with { MoreWork = false });
                if (round.PausedUntil is not null || !round.MoreWork)
                {
                    return result;
                }
            }

            return result with { MoreWork = true };
        }
        catch (BitrixMethodPausedException ex)
        {
            return result.And(TurnResult.Paused(ex.Until));
        }
    }

    /// <summary>
    /// Reservations recorded while the plan still had the feature: <c>clear=1</c> with their process id reads their
    /// rows back (and deletes them), into the inbox first.
    /// </summary>
    private async Task TakeBackReservationsAsync(TurnContext turn)
    {
        var memberId = turn.MemberId;
        foreach (var processId in await journal.KnownPendingAsync(memberId, CancellationToken.None).ConfigureAwait(false))
        {
            await turn.EnsureHeldAsync(CancellationToken.None).ConfigureAwait(false);
            var rows = await queue.ReadAndDeleteAsync(memberId, processId, CancellationToken.None).ConfigureAwait(false);
            if (rows.Count > 0)
            {
                await inbox.SaveAsync(memberId, rows, CancellationToken.None).ConfigureAwait(false);
            }

            await journal.MarkDoneAsync(memberId, [processId], CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One round: the inbox's oldest rows, or a new read into the inbox when it is empty, committed and removed. Null
    /// when the queue is empty; <see cref="TurnResult.MoreWork"/> false when only failing rows are left (the next turn
    /// takes them up rather than this one spinning on them).
    /// </summary>
    private async Task<TurnResult?> RoundAsync(TurnContext turn)
    {
        var memberId = turn.MemberId;
        await turn.EnsureHeldAsync(CancellationToken.None).ConfigureAwait(false);
        var rows = await inbox.ReadAsync(memberId, options.Value.GetLimit, CancellationToken.None).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            var read = await queue.ReadAndDeleteAsync(memberId, processId: null, CancellationToken.None).ConfigureAwait(false);
            if (read.Count == 0)
            {
                return null;
            }

            await inbox.SaveAsync(memberId, read, CancellationToken.None).ConfigureAwait(false);
            rows = read;
        }

        using var round = metrics.StartRound(memberId, "basic");
        var resolved = await resolver.ResolveAsync(memberId, rows, CancellationToken.None).ConfigureAwait(false);
        var committed = await turn.CommitAsync("i_", rows.Select(e => e.MessageId), resolved.Changes).ConfigureAwait(false);
        var (taken, refused) = ItemFailures.Split(resolved.Changes, committed);
        var (poison, retry) = await failures.CountAsync(memberId, [.. resolved.Failures, .. refused], CancellationToken.None).ConfigureAwait(false);
        await failures.TakenAsync(memberId, taken, CancellationToken.None).ConfigureAwait(false);
        await failures.DeadLetterAsync(memberId, poison, rows.ToDictionary(e => e.MessageId, StringComparer.Ordinal), CancellationToken.None).ConfigureAwait(false);

        // Rows of failed objects and of objects whose method is paused stay in the inbox for a later turn.
        var keep = retry.SelectMany(f => f.MessageIds).Concat(resolved.Paused.SelectMany(p => p.MessageIds)).ToHashSet(StringComparer.Ordinal);
        await inbox.RemoveAsync(memberId, [.. rows.Select(e => e.MessageId).Where(m => !keep.Contains(m))], CancellationToken.None).ConfigureAwait(false);
        round.Completed();
        return new TurnResult
        {
            Events = rows.Count,
            Objects = taken.Count,
            Rounds = 1,
            PausedUntil = resolved.PausedUntil,
            MoreWork = keep.Count == 0 || keep.Count < rows.Count,
        };
    }
}
