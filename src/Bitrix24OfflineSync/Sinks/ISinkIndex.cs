namespace Bitrix24OfflineSync.Sinks;

/// <summary>
/// What a sink holds of a portal's objects, by entity and numeric id: a drift check compares the portal with it, and
/// a load leaves out what the sink already holds newer. The database mirror is its own index; for the HTTP sink the
/// service keeps one of what it delivered.
/// </summary>
internal interface ISinkIndex
{
    /// <summary>The entries of <paramref name="entity"/> with ids in (<paramref name="afterId"/>, <paramref name="upToId"/>].</summary>
    Task<IReadOnlyList<IndexEntry>> RangeAsync(string memberId, string entity, long afterId, long upToId, CancellationToken cancellationToken);

    /// <summary>The highest id of <paramref name="entity"/> the sink holds and has not tombstoned; null when it holds none.</summary>
    Task<long?> MaxIdAsync(string memberId, string entity, CancellationToken cancellationToken);

    /// <summary>Per portal, the objects the sink holds now: entries that are not tombstones (what <c>portals list</c> shows).</summary>
    Task<IReadOnlyDictionary<string, long>> HeldCountsAsync(CancellationToken cancellationToken);
}

/// <summary>One object as the sink holds it: its id, when the source last modified it (as the sink was told), and whether it is a tombstone.</summary>
internal sealed record IndexEntry(long Id, DateTimeOffset? ModifiedAt, bool Deleted);
