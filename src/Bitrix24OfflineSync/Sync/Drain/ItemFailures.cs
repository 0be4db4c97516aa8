using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Model;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// Counts the failures of single objects and decides which are poison: a row that failed
/// <see cref="SyncOptions.MaxItemAttempts"/> times (not a limit, not a transient fault) is given up on. An object
/// the sink refused on its own fails the same way; one the sink took ends the dead letters its object had.
/// </summary>
internal sealed class ItemFailures(IFailureLog journal, SyncMetrics metrics, IOptions<SyncOptions> options, TimeProvider time, ILogger<ItemFailures> logger)
{
    /// <summary>Splits a commit's changes into those the sink took and the objects it refused, as failures of their rows.</summary>
    public static (IReadOnlyList<ObjectChange> Taken, IReadOnlyList<ItemFailure> Refused) Split(IReadOnlyList<ObjectChange> changes, SinkCommitResult result)
    {
        if (result.Refused.Count == 0)
        {
            return (changes, []);
        }

        var refused = new Dictionary<ObjectKey, SinkRefusal>();
        foreach (var refusal in result.Refused)
        {
            refused.TryAdd(refusal.Key, refusal);
        }

        return (
            [.. changes.Where(c => !refused.ContainsKey(c.Key))],
            [.. changes.Where(c => refused.ContainsKey(c.Key)).Select(c => new ItemFailure(c.Key, c.MessageIds, $"the sink refused it ({refused[c.Key].Status})", refused[c.Key]))]);
    }

    /// <summary>Returns the failures that reached the limit; the others are to be retried.</summary>
    public async Task<(IReadOnlyList<ItemFailure> Poison, IReadOnlyList<ItemFailure> Retry)> CountAsync(
        string memberId, IReadOnlyList<ItemFailure> failures, CancellationToken cancellationToken)
    {
        var poison = new List<ItemFailure>();
        var retry = new List<ItemFailure>();
        foreach (var failure in failures)
        {
            var counts = await journal.CountFailuresAsync(memberId, [.. failure.MessageIds], failure.Reason, cancellationToken).ConfigureAwait(false);
            var attempts = counts.Count == 0 ? 0 : counts.Values.Min();
            if (attempts >= options.Value.MaxItemAttempts)
            {
                poison.Add(failure);
            }
            else
            {
                retry.Add(failure);
                SyncLog.ItemFailed(logger, failure.Key.Entity, failure.Key.Id, memberId, attempts, failure.Reason);
            }
        }

        return (poison, retry);
    }

    /// <summary>
    /// Records the poison rows in the dead-letter table (once per row; again, the latest status), with the event their
    /// object is resolved from when it is replayed.
    /// </summary>
    public async Task DeadLetterAsync(string memberId, IReadOnlyList<ItemFailure> poison, IReadOnlyDictionary<string, OfflineEvent> events, CancellationToken cancellationToken)
    {
        foreach (var failure in poison)
        {
            var cause = failure.Refusal is null ? DeadLetterCause.FetchFailed : DeadLetterCause.SinkRefused;
            foreach (var messageId in failure.MessageIds)
            {
                var row = events.GetValueOrDefault(messageId);
                await journal.DeadLetterAsync(
                    memberId,
                    new DeadLetter(
                        messageId,
                        row?.EventName ?? "",
                        failure.Key.Entity,
                        failure.Key.Id,
                        failure.Refusal is null ? failure.Reason : "the sink refused it",
                        options.Value.MaxItemAttempts,
                        time.GetUtcNow(),
                        cause,
                        failure.Refusal?.Status,
                        failure.Refusal?.Answer,
                        row is null ? null : row.Data?.ToJsonString() ?? "null"),
                    cancellationToken).ConfigureAwait(false);
            }

            if (failure.Refusal is { } refusal)
            {
                SyncLog.DeadLetteredRefused(logger, failure.Key.Entity, failure.Key.Id, memberId, options.Value.MaxItemAttempts, refusal.Status);
            }
            else
            {
                SyncLog.DeadLettered(logger, failure.Key.Entity, failure.Key.Id, memberId, options.Value.MaxItemAttempts, failure.Reason);
            }

            metrics.DeadLettered(memberId, failure.Key.Entity, cause);
        }
    }

    /// <summary>The sink took these changes: their rows' failures are forgotten, and their objects' dead letters end.</summary>
    public async Task TakenAsync(string memberId, IReadOnlyList<ObjectChange> taken, CancellationToken cancellationToken)
    {
        await journal.ForgetFailuresAsync(memberId, [.. taken.SelectMany(c => c.MessageIds)], cancellationToken).ConfigureAwait(false);
        foreach (var ended in await journal.EndDeadLettersAsync(memberId, taken.Select(c => c.Key).ToHashSet(), cancellationToken).ConfigureAwait(false))
        {
            SyncLog.DeadLetterEnded(logger, ended.Entity, ended.EntityId, memberId, ended.MessageId);
        }
    }
}
