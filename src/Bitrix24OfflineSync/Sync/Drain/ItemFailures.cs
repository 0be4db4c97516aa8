using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Model;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// Counts the failures of single objects and decides which are poison: a row that failed
/// <see cref="SyncOptions.MaxItemAttempts"/> times (not a limit, not a transient fault) is given up on.
/// </summary>
internal sealed class ItemFailures(IFailureLog journal, SyncMetrics metrics, IOptions<SyncOptions> options, TimeProvider time, ILogger<ItemFailures> logger)
{
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

    /// <summary>Records the poison rows in the dead-letter table (once per row).</summary>
    public async Task DeadLetterAsync(string memberId, IReadOnlyList<ItemFailure> poison, IReadOnlyDictionary<string, OfflineEvent> events, CancellationToken cancellationToken)
    {
        foreach (var failure in poison)
        {
            foreach (var messageId in failure.MessageIds)
            {
                var eventName = events.TryGetValue(messageId, out var e) ? e.EventName : "";
                await journal.DeadLetterAsync(
                    memberId,
                    new DeadLetter(messageId, eventName, failure.Key.Entity, failure.Key.Id, failure.Reason, options.Value.MaxItemAttempts, time.GetUtcNow()),
                    cancellationToken).ConfigureAwait(false);
            }

            SyncLog.DeadLettered(logger, failure.Key.Entity, failure.Key.Id, memberId, options.Value.MaxItemAttempts, failure.Reason);
            metrics.DeadLettered(memberId, failure.Key.Entity);
        }
    }
}
