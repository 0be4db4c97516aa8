using Bitrix24OfflineSync.Sync.Model;

namespace Bitrix24OfflineSync.Sync.Journal;

/// <summary>
/// Rows read with <c>clear=1</c> (plans without reservations), stored before anything else is done with them and
/// removed only after the sink committed them.
/// </summary>
internal interface IBasicInbox
{
    Task SaveAsync(string memberId, IReadOnlyList<OfflineEvent> events, CancellationToken cancellationToken);

    Task<IReadOnlyList<OfflineEvent>> ReadAsync(string memberId, int limit, CancellationToken cancellationToken);

    Task RemoveAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken);
}
