using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Security;
using Dapper;

namespace Bitrix24OfflineSync.Portals;

/// <summary>
/// The portals' tokens, encrypted with <see cref="TokenProtector"/>, in the same SQL on both providers. A refresh
/// runs under the portal's lock: its row locked on PostgreSQL, the database's write lock on SQLite.
/// </summary>
internal sealed class SqlPortalTokenStore(ISqlDatabase database, TokenProtector protector, TimeProvider time) : IPortalTokenStore
{
    private const string TokenColumns = "client_endpoint, status, access_token, refresh_token";

    public Task<PortalCredentials?> ReadCredentialsAsync(string memberId, CancellationToken cancellationToken) =>
        database.RunAsync(
            async connection =>
            {
                var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
                    $"SELECT {TokenColumns} FROM portals WHERE member_id = @memberId;",
                    new { memberId },
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                return row?.access_token is null ? null : Credentials(memberId, row);
            },
            cancellationToken);

    public Task<TokenRefreshResult> RefreshTokensAsync(
        string memberId,
        string staleAccessToken,
        Func<string, CancellationToken, Task<TokenGrant>> refresh,
        CancellationToken cancellationToken) =>
        database.RunAsync(
            async connection =>
            {
                // A second refresher waits here and then reads the pair the first one committed, so a refresh token
                // (single use) is spent exactly once.
                await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
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

                var grant = await refresh(protector.Unprotect(row.refresh_token, memberId, TokenPurpose.Refresh), cancellationToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                if (grant is { Error: null, AccessToken: { } access, RefreshToken: { } refreshToken } && grant.MemberId == memberId)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        UPDATE portals SET access_token = @Access, refresh_token = @Refresh, access_expires_at = @Expires, updated_at = @Now
                        WHERE member_id = @memberId;
                        """,
                        new
                        {
                            memberId,
                            Access = protector.Protect(access, memberId, TokenPurpose.Access),
                            Refresh = protector.Protect(refreshToken, memberId, TokenPurpose.Refresh),
                            Expires = database.TimeValue(now + grant.ExpiresIn),
                            Now = database.TimeValue(now),
                        },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return new TokenRefreshResult(TokenRefreshOutcome.Refreshed, current with { AccessToken = access });
                }

                if (grant.Error is "invalid_grant")
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "UPDATE portals SET status = @Status, updated_at = @Now WHERE member_id = @memberId;",
                        new { memberId, Status = nameof(PortalStatus.NeedsReauth), Now = database.TimeValue(now) },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return new TokenRefreshResult(TokenRefreshOutcome.NeedsReauth, null, grant.Error);
                }

                return new TokenRefreshResult(TokenRefreshOutcome.Failed, null, grant.Error ?? "OAuth answer named another member_id");
            },
            cancellationToken);

    private PortalCredentials Credentials(string memberId, TokenRow row) => new(
        memberId,
        new Uri(row.client_endpoint),
        protector.Unprotect(row.access_token!, memberId, TokenPurpose.Access),
        Enum.Parse<PortalStatus>(row.status));

    private sealed record TokenRow(string client_endpoint, string status, byte[]? access_token, byte[]? refresh_token);
}
