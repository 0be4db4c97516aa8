using System.Globalization;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Dapper;

namespace Bitrix24OfflineSync.Persistence;

/// <summary>
/// The portal registry, in the same SQL on both providers; what differs (how times are kept, how the portal's row
/// is locked for a token refresh, byte-order sorting) comes from <see cref="ISqlDatabase"/>.
/// </summary>
internal sealed class SqlPortalRegistry(ISqlDatabase database, TokenProtector protector, TimeProvider time) : IPortalRegistry
{
    private const string Columns =
        "member_id, domain, client_endpoint, status, app_token_hash, scope, access_expires_at, signal_seq, consumed_seq, installed_at, updated_at";

    private const string TokenColumns = "client_endpoint, status, access_token, refresh_token";

    public async Task<PortalRecord?> FindAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<PortalRow>(
            new CommandDefinition($"SELECT {Columns} FROM portals WHERE member_id = @memberId;", new { memberId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToRecord(database);
    }

    public async Task<IReadOnlyList<PortalRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<PortalRow>(
            new CommandDefinition($"SELECT {Columns} FROM portals ORDER BY member_id{database.ByteOrder};", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToRecord(database))];
    }

    public async Task SaveInstallAsync(PortalInstall install, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
                AccessExpiresAt = database.TimeValue(install.AccessExpiresAt),
                AppTokenHash = install.ApplicationTokenHash,
                install.Scope,
                Now = database.TimeValue(install.InstalledAt),
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<bool> MarkUninstalledAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE portals SET status = @Status, access_token = NULL, refresh_token = NULL, access_expires_at = NULL, updated_at = @Now
            WHERE member_id = @memberId;
            """,
            new { memberId, Status = nameof(PortalStatus.Uninstalled), Now = database.TimeValue(time.GetUtcNow()) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return changed > 0;
    }

    public async Task<PortalCredentials?> ReadCredentialsAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // The portal's lock (its row on PostgreSQL, the database's write lock on SQLite): a second refresher waits here
        // and then reads the pair the first one committed, so a refresh token (single use) is spent exactly once.
        await using var transaction = await database.BeginPortalLockAsync(connection, cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            $"SELECT {TokenColumns} FROM portals WHERE member_id = @memberId{database.RowLock};",
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
                    Expires = database.TimeValue(now.AddSeconds(answer.ExpiresIn ?? 3600)),
                    Now = database.TimeValue(now),
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
                new { memberId, Status = nameof(PortalStatus.NeedsReauth), Now = database.TimeValue(now) },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new TokenRefreshResult(TokenRefreshOutcome.NeedsReauth, null, result.Error);
        }

        return new TokenRefreshResult(TokenRefreshOutcome.Failed, null, result.Error ?? "OAuth answer named another member_id");
    }

    public async Task<long> ConsumeSignalsAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "UPDATE portals SET consumed_seq = signal_seq WHERE member_id = @memberId RETURNING consumed_seq;",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task RecordDrainAsync(string memberId, DateTimeOffset at, int backlog, int syncedObjects, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO portal_sync (member_id, last_drain_at, last_backlog, synced_objects) VALUES (@memberId, @at, @backlog, @syncedObjects)
            ON CONFLICT (member_id) DO UPDATE SET last_drain_at = excluded.last_drain_at, last_backlog = excluded.last_backlog,
                synced_objects = portal_sync.synced_objects + excluded.synced_objects;
            """,
            new { memberId, at = database.TimeValue(at), backlog, syncedObjects = (long)syncedObjects },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task SetOfflineExtendedAsync(string memberId, bool available, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var value = await connection.ExecuteScalarAsync<object?>(new CommandDefinition(
            "SELECT offline_extended FROM portal_sync WHERE member_id = @memberId;",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToBoolean(value, CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<PortalOverview>> OverviewAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<OverviewRow>(new CommandDefinition(
            $"""
            SELECT p.member_id, p.domain, p.status, s.offline_extended, s.last_drain_at, s.last_backlog, s.synced_objects,
                   (SELECT COUNT(*) FROM dead_letters d WHERE d.member_id = p.member_id) AS dead_letters
            FROM portals p LEFT JOIN portal_sync s ON s.member_id = p.member_id
            ORDER BY p.domain{database.ByteOrder};
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new PortalOverview(
            r.member_id, r.domain, Enum.Parse<PortalStatus>(r.status),
            r.offline_extended is null ? null : Convert.ToBoolean(r.offline_extended, CultureInfo.InvariantCulture),
            database.ReadTime(r.last_drain_at), (int)(r.last_backlog ?? 0), r.synced_objects ?? 0, (int)r.dead_letters))];
    }

    public async Task<long> SignalAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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

        public long dead_letters { get; set; }
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
