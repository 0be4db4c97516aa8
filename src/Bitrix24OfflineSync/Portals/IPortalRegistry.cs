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

    /// <summary>The portal's endpoint and decrypted access token; null when unknown or without tokens.</summary>
    Task<PortalCredentials?> ReadCredentialsAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>
    /// Refreshes the portal's tokens under the portal's lock, so one refresh happens per expiry across processes:
    /// the stored pair is re-read after the lock is taken, and <paramref name="refresh"/> is called only when the
    /// stored access token is still <paramref name="staleAccessToken"/>. The new pair is committed before it is returned.
    /// </summary>
    Task<TokenRefreshResult> RefreshTokensAsync(
        string memberId,
        string staleAccessToken,
        Func<string, CancellationToken, Task<Bitrix.OAuthResult>> refresh,
        CancellationToken cancellationToken);

    /// <summary>
    /// The drain worker takes the portal's signals before it drains: a doorbell after this point makes the portal
    /// dirty again, so the drain goes round once more. Returns the sequence consumed.
    /// </summary>
    Task<long> ConsumeSignalsAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>Remembers what a drain saw: when it ran, the backlog it found, and how many objects it synced.</summary>
    Task RecordDrainAsync(string memberId, DateTimeOffset at, int backlog, int syncedObjects, CancellationToken cancellationToken);

    /// <summary>Remembers whether the portal's plan has <c>rest_offline_extended</c> (null: not known yet).</summary>
    Task SetOfflineExtendedAsync(string memberId, bool available, CancellationToken cancellationToken);

    Task<bool?> OfflineExtendedAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>Every portal with what operators watch: plan, last drain, backlog, synced objects, dead letters.</summary>
    Task<IReadOnlyList<PortalOverview>> OverviewAsync(CancellationToken cancellationToken);

    /// <summary>Durably marks the portal dirty for the drain worker; returns the new signal sequence.</summary>
    Task<long> SignalAsync(string memberId, CancellationToken cancellationToken);
}
