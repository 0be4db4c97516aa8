namespace Bitrix24OfflineSync.Portals;

/// <summary>A portal's tokens, encrypted at rest: read for REST calls, refreshed once per expiry across processes.</summary>
internal interface IPortalTokenStore
{
    /// <summary>The portal's endpoint and decrypted access token; null when unknown or without tokens.</summary>
    Task<PortalCredentials?> ReadCredentialsAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>
    /// Refreshes the portal's tokens once per expiry across processes: a short transaction under the portal's lock
    /// re-reads the stored pair and, when the stored access token is still <paramref name="staleAccessToken"/>, claims
    /// the refresh for a while; <paramref name="refresh"/> is then called with the stored refresh token outside any
    /// transaction, and a second short one stores the new pair before it is returned. Another process that finds the
    /// refresh claimed waits for the claimant's pair (or for the claim to lapse, if the claimant died).
    /// </summary>
    Task<TokenRefreshResult> RefreshTokensAsync(
        string memberId,
        string staleAccessToken,
        Func<string, CancellationToken, Task<TokenGrant>> refresh,
        CancellationToken cancellationToken);
}

/// <summary>
/// What the OAuth server answered a refresh: the new pair for a member id, or the error code (such as
/// <c>invalid_grant</c>) when there is none. Never printed with its tokens.
/// </summary>
internal sealed record TokenGrant(string? MemberId, string? AccessToken, string? RefreshToken, TimeSpan ExpiresIn, string? Error)
{
    public static TokenGrant Failed(string error) => new(null, null, null, TimeSpan.Zero, error);

    public override string ToString() => $"TokenGrant {{ MemberId = {MemberId}, Error = {Error} }}";
}
