using System.Data.Common;
using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Security;
using Dapper;

namespace Bitrix24OfflineSync.Portals;

/// <summary>
/// The portals' tokens, encrypted with <see cref="TokenProtector"/>, in the same SQL on both providers. A refresh is
/// claimed in a short transaction under the portal's lock (its row locked on PostgreSQL, the database's write lock on
/// SQLite), the OAuth call runs with no connection held, and the new pair is stored in a second short transaction: no
/// connection or lock waits on the network.
/// </summary>
internal sealed class SqlPortalTokenStore(ISqlDatabase database, TokenProtector protector, TimeProvider time) : IPortalTokenStore
{
    /// <summary>How long a claimed refresh keeps others waiting: longer than any OAuth call, short enough to outlive a crash.</summary>
    internal static readonly TimeSpan ClaimDuration = TimeSpan.FromSeconds(60);

    /// <summary>How often a process that found the refresh claimed elsewhere looks for the claimant's pair.</summary>
    private static readonly TimeSpan ClaimPoll = TimeSpan.FromMilliseconds(50);

    private const string TokenColumns = "client_endpoint, status, access_token, refresh_token, refresh_claimed_until";

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

    public async Task<TokenRefreshResult> RefreshTokensAsync(
        string memberId,
        string staleAccessToken,
        Func<string, CancellationToken, Task<TokenGrant>> refresh,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var claim = await ClaimAsync(memberId, staleAccessToken, cancellationToken).ConfigureAwait(false);
            if (claim.Result is { } settled)
            {
                return settled;
            }

            if (claim.RefreshToken is not { } refreshToken)
            {
                // Another process is refreshing: its pair (or the lapse of its claim) is awaited without a connection.
                await Task.Delay(ClaimPoll, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            TokenGrant grant;
            try
            {
                grant = await refresh(refreshToken, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await ReleaseAsync(memberId).ConfigureAwait(false);
                throw;
            }

            return await StoreAsync(memberId, claim.Current!, grant, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The short first transaction: answers the outcome when there is nothing to refresh, the refresh token when this
    /// process now holds the claim, and neither when another process holds it.
    /// </summary>
    private Task<Claim> ClaimAsync(string memberId, string staleAccessToken, CancellationToken cancellationToken) =>
        database.RunAsync(
            async connection =>
            {
                await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
                    $"SELECT {TokenColumns} FROM portals WHERE member_id = @memberId{database.RowLock};",
                    new { memberId },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (row?.access_token is null || row.refresh_token is null || row.status != nameof(PortalStatus.Active))
                {
                    return new Claim(new TokenRefreshResult(TokenRefreshOutcome.NeedsReauth, null, row is null ? "unknown portal" : $"portal is {row.status}"), null, null);
                }

                var current = Credentials(memberId, row);
                if (current.AccessToken != staleAccessToken)
                {
                    return new Claim(new TokenRefreshResult(TokenRefreshOutcome.AlreadyRefreshed, current), null, null);
                }

                var now = time.GetUtcNow();
                if (database.ReadTime(row.refresh_claimed_until) is { } until && until > now)
                {
                    return new Claim(null, null, null);
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE portals SET refresh_claimed_until = @Until WHERE member_id = @memberId;",
                    new { memberId, Until = database.TimeValue(now + ClaimDuration) },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new Claim(null, current, protector.Unprotect(row.refresh_token, memberId, TokenPurpose.Refresh));
            },
            cancellationToken);

    /// <summary>The short second transaction: the new pair (or the portal's need of a new install) and the claim's end.</summary>
    private Task<TokenRefreshResult> StoreAsync(string memberId, PortalCredentials current, TokenGrant grant, CancellationToken cancellationToken) =>
        database.RunAsync(
            async connection =>
            {
                var now = time.GetUtcNow();
                if (grant is { Error: null, AccessToken: { } access, RefreshToken: { } refreshToken } && grant.MemberId == memberId)
                {
                    await ExecuteInWriteAsync(
                        connection,
                        """
                        UPDATE portals SET access_token = @Access, refresh_token = @Refresh, access_expires_at = @Expires, updated_at = @Now,
                            refresh_claimed_until = NULL
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
                        cancellationToken).ConfigureAwait(false);
                    return new TokenRefreshResult(TokenRefreshOutcome.Refreshed, current with { AccessToken = access });
                }

                if (grant.Error is "invalid_grant")
                {
                    await ExecuteInWriteAsync(
                        connection,
                        "UPDATE portals SET status = @Status, updated_at = @Now, refresh_claimed_until = NULL WHERE member_id = @memberId;",
                        new { memberId, Status = nameof(PortalStatus.NeedsReauth), Now = database.TimeValue(now) },
                        cancellationToken).ConfigureAwait(false);
                    return new TokenRefreshResult(TokenRefreshOutcome.NeedsReauth, null, grant.Error);
                }

                await ExecuteInWriteAsync(connection, ReleaseSql, new { memberId }, cancellationToken).ConfigureAwait(false);
                return new TokenRefreshResult(TokenRefreshOutcome.Failed, null, grant.Error ?? "OAuth answer named another member_id");
            },
            cancellationToken);

    private const string ReleaseSql = "UPDATE portals SET refresh_claimed_until = NULL WHERE member_id = @memberId;";

    /// <summary>Ends this process's claim after the OAuth call threw: another may refresh at once.</summary>
    private Task ReleaseAsync(string memberId) =>
        database.RunAsync(connection => ExecuteInWriteAsync(connection, ReleaseSql, new { memberId }, CancellationToken.None), CancellationToken.None);

    private async Task ExecuteInWriteAsync(DbConnection connection, string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private PortalCredentials Credentials(string memberId, TokenRow row) => new(
        memberId,
        new Uri(row.client_endpoint),
        protector.Unprotect(row.access_token!, memberId, TokenPurpose.Access),
        Enum.Parse<PortalStatus>(row.status));

    /// <summary>A portal's row as Dapper fills it (by property: the claim's time comes back as text or a timestamp).</summary>
    private sealed class TokenRow
    {
        public string client_endpoint { get; set; } = "";

        public string status { get; set; } = "";

        public byte[]? access_token { get; set; }

        public byte[]? refresh_token { get; set; }

        public object? refresh_claimed_until { get; set; }
    }

    private sealed record Claim(TokenRefreshResult? Result, PortalCredentials? Current, string? RefreshToken);
}
