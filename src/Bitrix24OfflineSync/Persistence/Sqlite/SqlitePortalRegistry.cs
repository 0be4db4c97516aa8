using System.Globalization;
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
