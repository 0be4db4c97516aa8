namespace Bitrix24OfflineSync.Sync.Passes;

/// <summary>The keyset passes' progress, per portal, entity and kind: one row each, the last one kept when done.</summary>
internal interface IPassStore
{
    Task<IReadOnlyList<EntityPass>> ForPortalAsync(string memberId, CancellationToken cancellationToken);

    Task<IReadOnlyList<EntityPass>> AllAsync(CancellationToken cancellationToken);

    /// <summary>Begins (or begins again) a pass of <paramref name="kind"/> over each of <paramref name="entities"/>.</summary>
    Task StartAsync(string memberId, IReadOnlyCollection<string> entities, PassKind kind, DateTimeOffset now, CancellationToken cancellationToken);

    Task SaveAsync(EntityPass pass, CancellationToken cancellationToken);

    /// <summary>How many passes of each kind, over all portals, are not finished.</summary>
    Task<IReadOnlyDictionary<PassKind, int>> UnfinishedCountsAsync(CancellationToken cancellationToken);
}
