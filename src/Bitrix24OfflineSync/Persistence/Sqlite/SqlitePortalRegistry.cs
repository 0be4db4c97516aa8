using System.Globalization;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Dapper;

namespace Bitrix24OfflineSync.Persistence.Sqlite;

internal sealed class SqlitePortalRegistry(SqliteConnectionFactory connections, TokenProtector protector, TimeProvider time) : IPortalRegistry
{
    private const string Columns =
        "member_id, domain, client_endpoint, status, app_token_hash, scope, access_expires_at, signal_seq, consumed_seq, installed_at, updated_at";

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
            new CommandDefinition($"SELECT {Columns} FROM portals ORDER BY member_id;", cancellationToken: cancellationToken)).ConfigureAwait(false);
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
                Status = PortalStatus.Active.ToString(),
                AccessToken = protector.Protect(install.AccessToken, install.MemberId, TokenPurpose.Access),
                RefreshToken = protector.Protect(install.RefreshToken, install.MemberId, TokenPurpose.Refresh),
                AccessExpiresAt = Format(install.AccessExpiresAt),
                AppTokenHash = install.ApplicationTokenHash,
                install.Scope,
                Now = Format(install.InstalledAt),
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
            new { memberId, Status = PortalStatus.Uninstalled.ToString(), Now = Format(time.GetUtcNow()) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return changed > 0;
    }

    public async Task<PortalCredentials?> ReadCredentialsAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            "SELECT client_endpoint, status, access_token, refresh_token FROM portals WHERE member_id = @memberId;",
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
        // BEGIN IMMEDIATE takes the database's write lock: the portal's lock on the embedded store.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            "SELECT client_endpoint, status, access_token, refresh_token FROM portals WHERE member_id = @memberId;",
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
        var now = Format(time.GetUtcNow());
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
                    Expires = Format(time.GetUtcNow().AddSeconds(answer.ExpiresIn ?? 3600)),
                    Now = now,
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
                new { memberId, Status = nameof(PortalStatus.NeedsReauth), Now = now },
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
            new { memberId, at = SqliteTime.Format(at), backlog, syncedObjects },
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
        var value = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT offline_extended FROM portal_sync WHERE member_id = @memberId;",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return value is null ? null : value != 0;
    }

    public async Task<IReadOnlyList<PortalOverview>> OverviewAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string MemberId, string Domain, string Status, long? Extended, string? LastDrainAt, long? Backlog, long? Synced, long DeadLetters)>(new CommandDefinition(
            """
            SELECT p.member_id, p.domain, p.status, s.offline_extended, s.last_drain_at, s.last_backlog, s.synced_objects,
                   (SELECT COUNT(*) FROM dead_letters d WHERE d.member_id = p.member_id)
            FROM portals p LEFT JOIN portal_sync s ON s.member_id = p.member_id
            ORDER BY p.domain;
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new PortalOverview(
            r.MemberId, r.Domain, Enum.Parse<PortalStatus>(r.Status), r.Extended is null ? null : r.Extended != 0,
            SqliteTime.ParseOrNull(r.LastDrainAt), (int)(r.Backlog ?? 0), r.Synced ?? 0, (int)r.DeadLetters))];
    }

    public async Task<long> SignalAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "UPDATE portals SET signal_seq = signal_seq + 1 WHERE member_id = @memberId RETURNING signal_seq;",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private PortalCredentials Credentials(string memberId, TokenRow row) => new(
        memberId,
        new Uri(row.client_endpoint),
        protector.Unprotect(row.access_token!, memberId, TokenPurpose.Access),
        Enum.Parse<PortalStatus>(row.status));

    private sealed record TokenRow(string client_endpoint, string status, byte[]? access_token, byte[]? refresh_token);

    private sealed record PortalRow(
        string member_id,
        string domain,
        string client_endpoint,
        string status,
        byte[]? app_token_hash,
        string scope,
        string? access_expires_at,
        long signal_seq,
        long consumed_seq,
        string installed_at,
        string updated_at)
    {
        public PortalRecord ToRecord() => new(
            member_id,
            domain,
            new Uri(client_endpoint),
            Enum.Parse<PortalStatus>(status),
            app_token_hash,
            scope,
            access_expires_at is null ? null : Parse(access_expires_at),
            signal_seq,
            consumed_seq,
            Parse(installed_at),
            Parse(updated_at));
    }
}
