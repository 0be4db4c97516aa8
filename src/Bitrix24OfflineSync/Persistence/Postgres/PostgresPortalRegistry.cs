using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Dapper;

namespace Bitrix24OfflineSync.Persistence.Postgres;

internal sealed class PostgresPortalRegistry(PostgresConnections connections, TokenProtector protector, TimeProvider time) : IPortalRegistry
{
    private const string Columns =
        "member_id, domain, client_endpoint, status, app_token_hash, scope, access_expires_at, signal_seq, consumed_seq, installed_at, updated_at";

    private const string TokenColumns = "client_endpoint, status, access_token, refresh_token";

    public async Task<PortalRecord?> FindAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<PortalRow>(
            new CommandDefinition($"SELECT {Columns} FROM portals WHERE member_id = @memberId;", new { memberId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<PortalRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<PortalRow>(
            new CommandDefinition($"SELECT {Columns} FROM portals ORDER BY member_id COLLATE \"C\";", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task SaveInstallAsync(PortalInstall install, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
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
                AccessExpiresAt = PostgresTime.Write(install.AccessExpiresAt),
                AppTokenHash = install.ApplicationTokenHash,
                install.Scope,
                Now = PostgresTime.Write(install.InstalledAt),
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<bool> MarkUninstalledAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE portals SET status = @Status, access_token = NULL, refresh_token = NULL, access_expires_at = NULL, updated_at = @Now
            WHERE member_id = @memberId;
            """,
            new { memberId, Status = nameof(PortalStatus.Uninstalled), Now = PostgresTime.Write(time.GetUtcNow()) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return changed > 0;
    }

    public async Task<PortalCredentials?> ReadCredentialsAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            $"SELECT {TokenColumns} FROM portals WHERE member_id = @memberId;",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.access_token is null ? null : Credentials(memberId, row);
    }

    public async Task<TokenRefreshResult> RefreshTokensAsync(
        string memberId,
        string staleAccessToken,
        Func<string, CancellationToken, Task<OAuthResult>> refresh,
        CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // The row lock is the portal's lock across replicas: a second refresher waits here and then reads the pair
        // the first one committed, so a refresh token (single use) is spent exactly once.
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            $"SELECT {TokenColumns} FROM portals WHERE member_id = @memberId FOR UPDATE;",
            new { memberId },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (row?.access_token is null || row.refresh_token is null || row.status != nameof(PortalStatus.Active))
        {
            return new TokenRefreshResult(TokenRefreshOutcome.NeedsReauth, null, row is null ? "unknown portal" : $"portal is {row.status}");
        }

        var current = Credentials(memberId, row);
        if (current.AccessToken != staleAccessToken)
        {
            return new TokenRefreshResult(TokenRefreshOutcome.AlreadyRefreshed, current);
        }

        var result = await refresh(protector.Unprotect(row.refresh_token, memberId, TokenPurpose.Refresh), cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (result.Answer is { } answer && answer.MemberId == memberId)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE portals SET access_token = @Access, refresh_token = @Refresh, access_expires_at = @Expires, updated_at = @Now
                WHERE member_id = @memberId;
                """,
                new
                {
                    memberId,
                    Access = protector.Protect(answer.AccessToken!, memberId, TokenPurpose.Access),
                    Refresh = protector.Protect(answer.RefreshToken!, memberId, TokenPurpose.Refresh),
                    Expires = PostgresTime.Write(now.AddSeconds(answer.ExpiresIn ?? 3600)),
                    Now = PostgresTime.Write(now),
                },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new TokenRefreshResult(TokenRefreshOutcome.Refreshed, current with { AccessToken = answer.AccessToken! });
        }

        if (result.Error is "invalid_grant")
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE portals SET status = @Status, updated_at = @Now WHERE member_id = @memberId;",
                new { memberId, Status = nameof(PortalStatus.NeedsReauth), Now = PostgresTime.Write(now) },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new TokenRefreshResult(TokenRefreshOutcome.NeedsReauth, null, result.Error);
        }

        return new TokenRefreshResult(TokenRefreshOutcome.Failed, null, result.Error ?? "OAuth answer named another member_id");
    }

    public async Task<long> ConsumeSignalsAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "UPDATE portals SET consumed_seq = signal_seq WHERE member_id = @memberId RETURNING consumed_seq;",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task RecordDrainAsync(string memberId, DateTimeOffset at, int backlog, int syncedObjects, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO portal_sync (member_id, last_drain_at, last_backlog, synced_objects) VALUES (@memberId, @at, @backlog, @syncedObjects)
            ON CONFLICT (member_id) DO UPDATE SET last_drain_at = excluded.last_drain_at, last_backlog = excluded.last_backlog,
                synced_objects = portal_sync.synced_objects + excluded.synced_objects;
            """,
            new { memberId, at = PostgresTime.Write(at), backlog, syncedObjects = (long)syncedObjects },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task SetOfflineExtendedAsync(string memberId, bool available, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO portal_sync (member_id, offline_extended) VALUES (@memberId, @available)
            ON CONFLICT (member_id) DO UPDATE SET offline_extended = excluded.offline_extended;
            """,
            new { memberId, available },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<bool?> OfflineExtendedAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(
            "SELECT offline_extended FROM portal_sync WHERE member_id = @memberId;",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PortalOverview>> OverviewAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<OverviewRow>(new CommandDefinition(
            """
            SELECT p.member_id, p.domain, p.status, s.offline_extended, s.last_drain_at, s.last_backlog, s.synced_objects,
                   (SELECT COUNT(*) FROM dead_letters d WHERE d.member_id = p.member_id) AS dead_letters
            FROM portals p LEFT JOIN portal_sync s ON s.member_id = p.member_id
            ORDER BY p.domain COLLATE "C";
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new PortalOverview(
            r.member_id, r.domain, Enum.Parse<PortalStatus>(r.status), r.offline_extended,
            PostgresTime.Read(r.last_drain_at), r.last_backlog ?? 0, r.synced_objects ?? 0, (int)r.dead_letters))];
    }

    public async Task<long> SignalAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "UPDATE portals SET signal_seq = signal_seq + 1 WHERE member_id = @memberId RETURNING signal_seq;",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private PortalCredentials Credentials(string memberId, TokenRow row) => new(
        memberId,
        new Uri(row.client_endpoint),
        protector.Unprotect(row.access_token!, memberId, TokenPurpose.Access),
        Enum.Parse<PortalStatus>(row.status));

    private sealed record TokenRow(string client_endpoint, string status, byte[]? access_token, byte[]? refresh_token);

    private sealed record OverviewRow(
        string member_id, string domain, string status, bool? offline_extended, DateTime? last_drain_at, int? last_backlog, long? synced_objects, long dead_letters);

    private sealed record PortalRow(
        string member_id,
        string domain,
        string client_endpoint,
        string status,
        byte[]? app_token_hash,
        string scope,
        DateTime? access_expires_at,
        long signal_seq,
        long consumed_seq,
        DateTime installed_at,
        DateTime updated_at)
    {
        public PortalRecord ToRecord() => new(
            member_id,
            domain,
            new Uri(client_endpoint),
            Enum.Parse<PortalStatus>(status),
            app_token_hash,
            scope,
            PostgresTime.Read(access_expires_at),
            signal_seq,
            consumed_seq,
            PostgresTime.Read(installed_at),
            PostgresTime.Read(updated_at));
    }
}
