namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>The smart-process types of each portal, as its last discovery (<c>crm.type.list</c>, and the invoices of type 31) found them.</summary>
internal interface ISmartProcessTypeStore
{
    /// <summary>The types ever found on the portal; a type no longer found has its <see cref="SmartProcessType.GoneAt"/>.</summary>
    Task<IReadOnlyList<SmartProcessType>> ForPortalAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>Records a discovery: <paramref name="found"/> are the portal's types now; the others it had are gone since <paramref name="now"/>.</summary>
    Task SaveDiscoveryAsync(string memberId, IReadOnlyCollection<SmartProcessType> found, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>One smart-process type of a portal: its <c>entityTypeId</c>, its title, and since when it is gone (null: it is there).</summary>
internal sealed record SmartProcessType(long EntityTypeId, string Title, DateTimeOffset? GoneAt = null)
{
    public bool IsGone => GoneAt is not null;
}
