namespace Bitrix24OfflineSync.Portals;

/// <summary>What a REST call needs: where the portal answers and the current access token (decrypted, in memory only).</summary>
internal sealed record PortalCredentials(string MemberId, Uri ClientEndpoint, string AccessToken, PortalStatus Status)
{
    public override string ToString() => $"PortalCredentials {{ MemberId = {MemberId}, Status = {Status} }}";
}

/// <summary>How a token refresh under the portal's lock ended.</summary>
internal enum TokenRefreshOutcome
{
    /// <summary>We refreshed and stored the new pair.</summary>
    Refreshed,

    /// <summary>Someone else had refreshed already; the stored pair is newer than the one that expired.</summary>
    AlreadyRefreshed,

    /// <summary>The refresh token was refused (<c>invalid_grant</c>); the portal is now <see cref="PortalStatus.NeedsReauth"/>.</summary>
    NeedsReauth,

    /// <summary>The OAuth server could not be asked or answered something else; nothing changed.</summary>
    Failed,
}

internal sealed record TokenRefreshResult(TokenRefreshOutcome Outcome, PortalCredentials? Credentials, string? Error = null);
