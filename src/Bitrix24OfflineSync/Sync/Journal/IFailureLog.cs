namespace Bitrix24OfflineSync.Sync.Journal;

/// <summary>Failures counted per queue row, and the dead letters: rows given up on after repeated failures.</summary>
internal interface IFailureLog
{
    /// <summary>Counts one more failure for each queue row; returns the count per message id.</summary>
    Task<IReadOnlyDictionary<string, int>> CountFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, string reason, CancellationToken cancellationToken);

    Task ForgetFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken);

    /// <summary>Records a poison row once (a row that fails again keeps its first record).</summary>
    Task DeadLetterAsync(string memberId, DeadLetter letter, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>How many dead letters each portal has, for the operators' overview.</summary>
    Task<IReadOnlyDictionary<string, int>> DeadLetterCountsAsync(CancellationToken cancellationToken);
}

/// <summary>A queue row given up on after repeated failures; it was marked with <c>event.offline.error</c>.</summary>
internal sealed record DeadLetter(string MessageId, string EventName, string Entity, string EntityId, string Reason, int Attempts, DateTimeOffset CreatedAt);
