namespace Bitrix24OfflineSync.Portals;

/// <summary>A portal's tokens, encrypted at rest: read for REST calls, refreshed once per expiry across processes.</summary>
internal interface IPortalTokenStore
{
    /// <summary>The portal's endpoint and decrypted access token; null when unknown or without tokens.</summary>
    Task<PortalCredentials?> ReadCredentialsAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>
    /// Refreshes the portal's tokens under the portal's lock, so one refresh happens per expiry across processes:
    /// the stored pair is re-read after the lock is taken, and <paramref name="refresh"/> is called with the stored
    /// refresh token only when the stored access token is still <paramref name="staleAccessToken"/>. The new pair is
    /// committed before it is returned.
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
