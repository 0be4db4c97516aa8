using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Model;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// The portal's offline queue as the drain uses it (<see cref="OfflineQueueClient"/> over REST). A contract of its own
/// so the reservation protocol can be tried against a queue kept in memory, without a portal.
/// </summary>
internal interface IOfflineQueue
{
    /// <inheritdoc cref="OfflineQueueClient.ReserveAsync"/>
    Task<QueueRead> ReserveAsync(string memberId, int gets, int limit, bool errorQueue, CancellationToken cancellationToken);

    /// <inheritdoc cref="OfflineQueueClient.ClearAndReserveAsync"/>
    Task<(QueueRead Read, ClearOutcome Cleared)> ClearAndReserveAsync(
        string memberId, IReadOnlyList<QueueClear> clears, int gets, int limit, CancellationToken cancellationToken);

    /// <inheritdoc cref="OfflineQueueClient.RereadAsync"/>
    Task<QueueRead> RereadAsync(string memberId, IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken);

    /// <inheritdoc cref="OfflineQueueClient.ClearAsync"/>
    Task<ClearOutcome> ClearAsync(string memberId, IReadOnlyList<QueueClear> clears, CancellationToken cancellationToken);

    /// <inheritdoc cref="OfflineQueueClient.MarkErrorAsync"/>
    Task MarkErrorAsync(string memberId, string processId, IReadOnlyList<string> messageIds, CancellationToken cancellationToken);

    /// <inheritdoc cref="OfflineQueueClient.ReservedProcessIdsAsync"/>
    Task<IReadOnlyDictionary<string, bool>> ReservedProcessIdsAsync(string memberId, CancellationToken cancellationToken);

    /// <inheritdoc cref="OfflineQueueClient.ReadAndDeleteAsync"/>
    Task<IReadOnlyList<OfflineEvent>> ReadAndDeleteAsync(string memberId, string? processId, CancellationToken cancellationToken);
}
