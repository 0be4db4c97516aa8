namespace Bitrix24OfflineSync.Portals;

/// <summary>The portals this service serves: installs, uninstalls, and what operators look at.</summary>
internal interface IPortalRegistry
{
    Task<PortalRecord?> FindAsync(string memberId, CancellationToken cancellationToken);

    Task<IReadOnlyList<PortalRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Stores a verified install, replacing any earlier record of the portal; the portal becomes active.</summary>
    Task SaveInstallAsync(PortalInstall install, CancellationToken cancellationToken);

    /// <summary>Marks the portal uninstalled and deletes its tokens; false when the portal is unknown.</summary>
    Task<bool> MarkUninstalledAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>Every portal with what operators watch: plan, last drain, backlog, the running total of the drains' writes.</summary>
    Task<IReadOnlyList<PortalOverview>> OverviewAsync(CancellationToken cancellationToken);

    /// <summary>How many portals are in each status, and how many of them are marked dirty (what the metrics show).</summary>
    Task<IReadOnlyList<PortalStatusCount>> CountAsync(CancellationToken cancellationToken);
}

/// <summary>The portals in one status, and how many of them wait for a drain (marked dirty, not yet taken up).</summary>
internal sealed record PortalStatusCount(PortalStatus Status, int Portals, int Dirty);
