namespace Bitrix24OfflineSync.Portals;

/// <summary>
/// The portals this service serves. Implemented on SQLite (embedded default) and, for several replicas, PostgreSQL;
/// both pass the same contract tests.
/// </summary>
internal interface IPortalRegistry
{
    Task<PortalRecord?> FindAsync(string memberId, CancellationToken cancellationToken);

    Task<IReadOnlyList<PortalRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Stores a verified install, replacing any earlier record of the portal; the portal becomes active.</summary>
    Task SaveInstallAsync(PortalInstall install, CancellationToken cancellationToken);

    /// <summary>Marks the portal uninstalled and deletes its tokens; false when the portal is unknown.</summary>
    Task<bool> MarkUninstalledAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>Durably marks the portal dirty for the drain worker; returns the new signal sequence.</summary>
    Task<long> SignalAsync(string memberId, CancellationToken cancellationToken);
}
