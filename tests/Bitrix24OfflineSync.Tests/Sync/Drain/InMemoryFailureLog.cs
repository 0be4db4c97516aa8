using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Journal;

namespace Bitrix24OfflineSync.Tests.Sync.Drain;

/// <summary>Failure counts per queue row and the dead letters, in memory, for what <c>ItemFailures</c> asks of them.</summary>
internal sealed class InMemoryFailureLog : IFailureLog
{
    public Dictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);

    public List<DeadLetter> DeadLetters { get; } = [];

    public Task<IReadOnlyDictionary<string, int>> CountFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, string reason, CancellationToken cancellationToken)
    {
        foreach (var messageId in messageIds)
        {
            Failures[messageId] = Failures.GetValueOrDefault(messageId) + 1;
        }

        return Task.FromResult<IReadOnlyDictionary<string, int>>(messageIds.ToDictionary(m => m, m => Failures[m], StringComparer.Ordinal));
    }

    public Task ForgetFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        foreach (var messageId in messageIds)
        {
            Failures.Remove(messageId);
        }

        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(string memberId, DeadLetter letter, CancellationToken cancellationToken)
    {
        DeadLetters.Add(letter);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DeadLetter>> EndDeadLettersAsync(string memberId, IReadOnlyCollection<ObjectKey> taken, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeadLetter>>([]);

    public Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string memberId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<DeadLetter>>(DeadLetters);

    public Task<IReadOnlyDictionary<string, int>> DeadLetterCountsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<int> RequestReplayAsync(string memberId, ObjectKey? only, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> ReplayRequestedAsync(string memberId, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task CancelReplayAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) => throw new NotSupportedException();
}
