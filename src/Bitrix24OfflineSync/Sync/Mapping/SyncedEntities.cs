using Bitrix24OfflineSync.Bitrix;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Mapping;

/// <summary>
/// The entities this service keeps in step: those of the configured events (<c>Bitrix24:Events</c>) that can be read
/// whole, page by page (they have a list method). Loads and drift checks go over these.
/// </summary>
internal sealed class SyncedEntities(EventMapper mapper, IOptions<Bitrix24Options> options)
{
    private readonly Lazy<IReadOnlyList<EntityFetch>> _all = new(() =>
        [.. options.Value.EventList
            .Select(mapper.Find)
            .OfType<EventMapping>()
            .Select(m => m.Fetch)
            .OfType<EntityFetch>()
            .Where(f => f.CanList)
            .DistinctBy(f => f.Entity, StringComparer.Ordinal)
            .OrderBy(f => f.Entity, StringComparer.Ordinal)]);

    public IReadOnlyList<EntityFetch> All => _all.Value;

    public EntityFetch? Find(string entity) => All.FirstOrDefault(f => f.Entity == entity);
}
