using System.Collections.Concurrent;
using Bitrix24OfflineSync.Portals;

namespace Bitrix24OfflineSync.Bitrix.Tokens;

/// <summary>
/// Access tokens for REST calls. Within the process one refresh per portal runs at a time (single flight), and
/// callers that raced on the same expired token take the result; across processes the registry's lock does the rest.
/// Nothing refreshes ahead of expiry or on a timer: only an <c>expired_token</c> answer does.
/// </summary>
internal sealed class PortalTokens(IPortalTokenStore store, OAuthClient oauth, BitrixMetrics metrics, ILogger<PortalTokens> logger)
{
    private readonly ConcurrentDictionary<string, PortalCredentials> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _refreshLocks = new(StringComparer.Ordinal);

    public async Task<PortalCredentials> GetAsync(string memberId, CancellationToken cancellationToken)
    {
        if (!_cache.TryGetValue(memberId, out var credentials))
        {
            credentials = await store.ReadCredentialsAsync(memberId, cancellationToken).ConfigureAwait(false)
                ?? throw new BitrixUnavailableException(memberId, "(any)", "the portal is unknown or has no tokens");
            _cache[memberId] = credentials;
        }

        return credentials.Status == PortalStatus.NeedsReauth ? throw new PortalNeedsReauthException(memberId) : credentials;
    }

    /// <summary>Called after <paramref name="expiredAccessToken"/> was answered <c>expired_token</c>.</summary>
    public async Task<PortalCredentials> RefreshAsync(string memberId, string expiredAccessToken, CancellationToken cancellationToken)
    {
        var gate = _refreshLocks.GetOrAdd(memberId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cache.TryGetValue(memberId, out var cached) && cached.AccessToken != expiredAccessToken)
            {
                return cached.Status == PortalStatus.NeedsReauth ? throw new PortalNeedsReauthException(memberId) : cached;
            }

            var result = await store.RefreshTokensAsync(memberId, expiredAccessToken, GrantAsync, cancellationToken).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case TokenRefreshOutcome.Refreshed or TokenRefreshOutcome.AlreadyRefreshed:
                    _cache[memberId] = result.Credentials!;
                    BitrixLog.TokenRefreshed(logger, memberId, result.Outcome == TokenRefreshOutcome.Refreshed);
                    metrics.TokenRefresh(memberId, result.Outcome == TokenRefreshOutcome.Refreshed ? "refreshed" : "already_refreshed");
                    return result.Credentials!;
                case TokenRefreshOutcome.NeedsReauth:
                    if (cached is not null)
                    {
                        _cache[memberId] = cached with { Status = PortalStatus.NeedsReauth };
                    }

                    BitrixLog.NeedsReauth(logger, memberId, result.Error ?? "refused");
                    metrics.TokenRefresh(memberId, "refused");
                    throw new PortalNeedsReauthException(memberId);
                default:
                    metrics.TokenRefresh(memberId, "failed");
                    throw new BitrixUnavailableException(memberId, "oauth/token", $"token refresh failed ({result.Error})");
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<TokenGrant> GrantAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var result = await oauth.RefreshAsync(refreshToken, cancellationToken).ConfigureAwait(false);
        return result.Answer is { } answer
            ? new TokenGrant(answer.MemberId, answer.AccessToken, answer.RefreshToken, TimeSpan.FromSeconds(answer.ExpiresIn ?? 3600), null)
            : TokenGrant.Failed(result.Error ?? "no answer");
    }

    /// <summary>Drops what is cached of a portal (after an install, reinstall or uninstall).</summary>
    public void Forget(string memberId) => _cache.TryRemove(memberId, out _);
}
