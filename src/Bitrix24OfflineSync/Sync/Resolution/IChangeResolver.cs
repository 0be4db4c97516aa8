using Bitrix24OfflineSync.Sync.Model;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// Turns reserved offline events into object changes with current state: maps each event to its object, groups
/// events per object, fetches the objects' current state through REST with as few requests as the API allows, and
/// makes tombstones for deletes and objects that are gone. A transient REST failure is thrown (the batch stays
/// reserved and is retried); an object-specific failure is reported in <see cref="ResolvedBatch.Failures"/>.
/// </summary>
internal interface IChangeResolver
{
    Task<ResolvedBatch> ResolveAsync(string memberId, IReadOnlyList<OfflineEvent> events, CancellationToken cancellationToken);
}
