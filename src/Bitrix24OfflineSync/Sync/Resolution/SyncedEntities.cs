using Bitrix24OfflineSync.Bitrix;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// The entities this service keeps in step: those of the configured events (<c>Bitrix24:Events</c>) that can be read
/// whole, page by page (they have a list method), and, when smart-process events are configured, each smart-process
/// type a portal has (as its last discovery found it) that <c>Sync:SmartProcessTypes</c> allows. Loads and drift
/// checks go over these.
/// </summary>
internal sealed class SyncedEntities(EventMapper mapper, ISmartProcessTypeStore types, IOptions<Bitrix24Options> options)
{
    private readonly Lazy<IReadOnlyList<EntityFetch>> _fixed = new(() =>
        [.. options.Value.EventList
            .Select(mapper.Find)
            .OfType<EventMapping>()
            .Select(m => m.Fetch)
            .OfType<EntityFetch>()
            .Where(f => f.CanList)
            .DistinctBy(f => f.Entity, StringComparer.Ordinal)
            .OrderBy(f => f.Entity, StringComparer.Ordinal)]);

    private readonly Lazy<bool> _smartProcesses = new(() =>
        options.Value.EventList.Any(e => SmartProcesses.EventNames.Contains(e, StringComparer.OrdinalIgnoreCase)));

    /// <summary>The entities every portal has (the smart-process types vary by portal).</summary>
    public IReadOnlyList<EntityFetch> Fixed => _fixed.Value;

    /// <summary>Whether smart-process items are synced: their events are among <c>Bitrix24:Events</c>.</summary>
    public bool SmartProcessesSynced => _smartProcesses.Value;

    /// <summary>The portal's synced entities: the fixed ones, then its smart-process types that are there and allowed.</summary>
    public async Task<IReadOnlyList<EntityFetch>> ForPortalAsync(string memberId, CancellationToken cancellationToken) =>
        SmartProcessesSynced
            ? [.. Fixed, .. (await SmartProcessTypesAsync(memberId, cancellationToken).ConfigureAwait(false)).Where(t => !t.IsGone).Select(t => SmartProcesses.Fetch(t.EntityTypeId))]
            : Fixed;

    /// <summary>The portal's allowed smart-process types, gone ones included (their objects are to be tombstoned).</summary>
    public async Task<IReadOnlyList<SmartProcessType>> SmartProcessTypesAsync(string memberId, CancellationToken cancellationToken) =>
        SmartProcessesSynced
            ? [.. (await types.ForPortalAsync(memberId, cancellationToken).ConfigureAwait(false)).Where(t => mapper.SyncsType(t.EntityTypeId))]
            : [];

    /// <summary>How <paramref name="entity"/> is read: a fixed entity, or any smart-process type's items.</summary>
    public EntityFetch? Find(string entity) =>
        Fixed.FirstOrDefault(f => f.Entity == entity) ??
        (SmartProcessesSynced && SmartProcesses.TryParse(entity, out var entityTypeId) ? SmartProcesses.Fetch(entityTypeId) : null);
}
