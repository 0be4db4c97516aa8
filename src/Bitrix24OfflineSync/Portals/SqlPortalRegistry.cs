using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Security;
using Dapper;

namespace Bitrix24OfflineSync.Portals;

/// <summary>
/// The portal registry, in the same SQL on both providers; what differs (how times are kept, byte-order sorting)
/// comes from <see cref="ISqlDatabase"/>.
/// </summary>
internal sealed class SqlPortalRegistry(ISqlDatabase database, TokenProtector protector, TimeProvider time) : IPortalRegistry
{
    private const string Columns =
        "member_id, domain, client_endpoint, status, app_token_hash, scope, access_expires_at, signal_seq, consumed_seq, installed_at, updated_at";

    public Task<PortalRecord?> FindAsync(string memberId, CancellationToken cancellationToken) =>
        database.RunAsync(
            async connection => (await connection.QuerySingleOrDefaultAsync<PortalRow>(new CommandDefinition(
                $"SELECT {Columns} FROM portals WHERE member_id = @memberId;", new { memberId }, cancellationToken: cancellationToken)).ConfigureAwait(false))?.ToRecord(database),
            cancellationToken);

    public Task<IReadOnlyList<PortalRecord>> ListAsync(CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<PortalRecord>>(
            async connection => [.. (await connection.QueryAsync<PortalRow>(new CommandDefinition(
                $"SELECT {Columns} FROM portals ORDER BY member_id{database.ByteOrder};", cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(r => r.ToRecord(database))],
            cancellationToken);

    public Task SaveInstallAsync(PortalInstall install, CancellationToken cancellationToken) =>
        database.RunAsync(
            connection => connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO portals (member_id, domain, client_endpoint, status, access_token, refresh_token, access_expires_at,
                                     app_token_hash, scope, installed_at, updated_at)
                VALUES (@MemberId, @Domain, @ClientEndpoint, @Status, @AccessToken, @RefreshToken, @AccessExpiresAt,
                        @AppTokenHash, @Scope, @Now, @Now)
                ON CONFLICT (member_id) DO UPDATE SET
                    domain = excluded.domain, client_endpoint = excluded.client_endpoint, status = excluded.status,
                    access_token = excluded.access_token, refresh_token = excluded.refresh_token,
                    access_expires_at = excluded.access_expires_at, app_token_hash = excluded.app_token_hash,
                    scope = excluded.scope, installed_at = excluded.installed_at, updated_at = excluded.updated_at;
                """,
                new
                {
                    install.MemberId,
                    install.Domain,
                    ClientEndpoint = install.ClientEndpoint.AbsoluteUri,
                    Status = nameof(PortalStatus.Active),
                    AccessToken = protector.Protect(install.AccessToken, install.MemberId, TokenPurpose.Access),
                    RefreshToken = protector.Protect(install.RefreshToken, install.MemberId, TokenPurpose.Refresh),
                    AccessExpiresAt = database.TimeValue(install.AccessExpiresAt),
                    AppTokenHash = install.ApplicationTokenHash,
                    install.Scope,
                    Now = database.TimeValue(install.InstalledAt),
                },
                cancellationToken: cancellationToken)),
            cancellationToken);

    public async Task<bool> MarkUninstalledAsync(string memberId, CancellationToken cancellationToken) =>
        await database.RunAsync(
            connection => connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE portals SET status = @Status, access_token = NULL, refresh_token = NULL, access_expires_at = NULL, updated_at = @Now
                WHERE member_id = @memberId;
                """,
                new { memberId, Status = nameof(PortalStatus.Uninstalled), Now = database.TimeValue(time.GetUtcNow()) },
                cancellationToken: cancellationToken)),
            cancellationToken).ConfigureAwait(false) > 0;

    public Task<IReadOnlyList<PortalOverview>> OverviewAsync(CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<PortalOverview>>(
            async connection => [.. (await connection.QueryAsync<OverviewRow>(new CommandDefinition(
                $"""
                SELECT p.member_id, p.domain, p.status, s.offline_extended, s.last_drain_at, s.last_backlog, s.synced_objects
                FROM portals p LEFT JOIN portal_sync s ON s.member_id = p.member_id
                ORDER BY p.domain{database.ByteOrder};
                """,
                cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(r => new PortalOverview(
                    r.member_id,
                    r.domain,
                    Enum.Parse<PortalStatus>(r.status),
                    r.offline_extended is null ? null : SqlDatabaseExtensions.ReadBool(r.offline_extended),
                    database.ReadTime(r.last_drain_at),
                    (int)(r.last_backlog ?? 0),
                    r.synced_objects ?? 0))],
            cancellationToken);

    public async Task<IReadOnlyList<PortalStatusCount>> CountAsync(CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<(string Status, long Portals, long Dirty)>(
            "SELECT status, COUNT(*), SUM(CASE WHEN signal_seq > consumed_seq THEN 1 ELSE 0 END) FROM portals GROUP BY status;",
            null,
            cancellationToken).ConfigureAwait(false))
            .Select(r => new PortalStatusCount(Enum.Parse<PortalStatus>(r.Status), (int)r.Portals, (int)r.Dirty))];

    // Rows read by property: times and flags come back as each provider keeps them, and ISqlDatabase reads them.
    private sealed class OverviewRow
    {
        public string member_id { get; set; } = "";

        public string domain { get; set; } = "";

        public string status { get; set; } = "";

        public object? offline_extended { get; set; }

        public object? last_drain_at { get; set; }

        public long? last_backlog { get; set; }

        public long? synced_objects { get; set; }
    }

    private sealed class PortalRow
    {
        public string member_id { get; set; } = "";

        public string domain { get; set; } = "";

        public string client_endpoint { get; set; } = "";

        public string status { get; set; } = "";

        public byte[]? app_token_hash { get; set; }

        public string scope { get; set; } = "";

        public object? access_expires_at { get; set; }

        public long signal_seq { get; set; }

        public long consumed_seq { get; set; }

        public object installed_at { get; set; } = "";

        public object updated_at { get; set; } = "";

        public PortalRecord ToRecord(ISqlDatabase database) => new(
            member_id,
            domain,
            new Uri(client_endpoint),
            Enum.Parse<PortalStatus>(status),
            app_token_hash,
            scope,
            database.ReadTime(access_expires_at),
            signal_seq,
            consumed_seq,
            database.ReadTime(installed_at)!.Value,
            database.ReadTime(updated_at)!.Value);
    }
}
