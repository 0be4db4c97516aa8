using Bitrix24OfflineSync.Sync.Model;

namespace Bitrix24OfflineSync.Sync.Journal;

/// <summary>
/// The drain's durable memory: every reservation (process id) is recorded before its batch is processed and marked
/// done after its clear, so a crash at any point leaves a list of reservations to re-read. It also counts failures
/// per queue row and keeps the dead letters.
/// </summary>
internal interface IDrainJournal
{
    Task RecordAsync(string memberId, IReadOnlyCollection<string> processIds, bool errorQueue, CancellationToken cancellationToken);

    /// <summary>Reservations not yet done whose next attempt is due at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<JournalEntry>> PendingAsync(string memberId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every reservation not yet done, due or not (an orphan scan must not take them for orphans).</summary>
    Task<IReadOnlySet<string>> KnownPendingAsync(string memberId, CancellationToken cancellationToken);

    Task MarkDoneAsync(string memberId, IReadOnlyCollection<string> processIds, CancellationToken cancellationToken);

    /// <summary>The reservation stays pending; it is retried after <paramref name="nextAttemptAt"/>.</summary>
    Task PostponeAsync(string memberId, IReadOnlyCollection<string> processIds, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>Counts one more failure for each queue row; returns the count per message id.</summary>
    Task<IReadOnlyDictionary<string, int>> CountFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, string reason, CancellationToken cancellationToken);

    Task ForgetFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken);

    /// <summary>Records a poison row once (a row that fails again keeps its first record).</summary>
    Task DeadLetterAsync(string memberId, DeadLetter letter, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>Stores rows fetched with <c>clear=1</c> (plans without reservations) before anything else is done with them.</summary>
    Task SaveInboxAsync(string memberId, IReadOnlyList<OfflineEvent> events, CancellationToken cancellationToken);

    Task<IReadOnlyList<OfflineEvent>> InboxAsync(string memberId, int limit, CancellationToken cancellationToken);

    Task RemoveFromInboxAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken);
}

/// <summary>A recorded reservation: its process id, whether it came from the error rows, and how often it failed.</summary>
internal sealed record JournalEntry(string ProcessId, bool ErrorQueue, int Attempts);

/// <summary>A queue row given up on after repeated failures; it was marked with <c>event.offline.error</c>.</summary>
internal sealed record DeadLetter(string MessageId, string EventName, string Entity, string EntityId, string Reason, int Attempts, DateTimeOffset CreatedAt);
