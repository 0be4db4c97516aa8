namespace Bitrix24OfflineSync.Sinks.Fields;

/// <summary>
/// The portals' field lists as last read (at the initial load and with each drift check): what the fields of a
/// synced state are called and hold. The mirror's views are built from them; a writer checks field names against
/// them (and has them read again when a name is unknown).
/// </summary>
internal interface IPortalFields
{
    /// <summary>The fields of <paramref name="entity"/> as the portal's last read found them; empty when never read.</summary>
    Task<IReadOnlyList<PortalField>> ForEntityAsync(string memberId, string entity, CancellationToken cancellationToken);

    /// <summary>The labels of the values of <paramref name="entity"/>'s list fields (stages, statuses, list items).</summary>
    Task<IReadOnlyList<FieldLabel>> LabelsAsync(string memberId, string entity, CancellationToken cancellationToken);

    /// <summary>The entities whose fields the portal's reads found, with when they were last read.</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> EntitiesAsync(string memberId, CancellationToken cancellationToken);
}

/// <summary>Where the field lists are kept: the reads write them, the views read them across portals.</summary>
internal interface IPortalFieldStore : IPortalFields
{
    /// <summary>
    /// Records one read of a portal's field lists: the entities in <paramref name="read"/> get the fields found, those
    /// in <paramref name="kept"/> (whose read failed) stay as they were, and the portal's other entities are dropped.
    /// True when any field or label changed.
    /// </summary>
    Task<bool> SaveAsync(string memberId, IReadOnlyList<EntityFields> read, IReadOnlyCollection<string> kept, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Every field as the portals have it, per entity and state key (see <see cref="SharedField"/>): counted as the
    /// lists change, so this reads a few rows per field however many portals there are.
    /// </summary>
    Task<IReadOnlyList<SharedField>> SharedAsync(CancellationToken cancellationToken);

    Task DeletePortalAsync(string memberId, CancellationToken cancellationToken);
}
