using System.Collections.Concurrent;
using Bitrix24OfflineSync.Portals;

namespace Bitrix24OfflineSync.Bitrix.Tokens;

/// <summary>
/// Access tokens for REST calls. Within the process one refresh per portal runs at a time (single flight), and
/// callers that raced on the same expired token take the result; across processes the registry's lock does the rest.
/// Nothing refreshes ahead of expiry or on a timer: only an <c>expired_token</c> answer does. The decrypted
/// credentials are kept while the portal is being talked to, and dropped once unused for <see cref="RestAfter"/> (a
/// portal the safety net asks every few minutes reads them again then): memory grows with the portals in flight, not
/// with the fleet, and no more tokens sit decrypted in memory than are in use.
/// </summary>
internal sealed class PortalTokens(IPortalTokenStore store, OAuthClient oauth, BitrixMetrics metrics, TimeProvider time, ILogger<PortalTokens> logger)
{
    /// <summary>Longer than a turn, whose requests share one read; shorter than the safety net's interval.</summary>
    public static readonly TimeSpan RestAfter = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly IdleTrim _trim = new(time);

    /// <summary>The portals whose credentials are kept now.</summary>
    public int Count => _entries.Count;

    public async Task<PortalCredentials> GetAsync(string memberId, CancellationToken cancellationToken)
    {
        var entry = Use(memberId);
        if (entry.Credentials is not { } credentials)
        {
            credentials = await store.ReadCredentialsAsync(memberId, cancellationToken).ConfigureAwait(false)
                ?? throw new BitrixUnavailableException(memberId, "(any)", "the portal is unknown or has no tokens");
            entry.Credentials ??= credentials;
        }

        return credentials.Status == PortalStatus.NeedsReauth ? throw new PortalNeedsReauthException(memberId) : credentials;
    }

    /// <summary>Called after <paramref name="expiredAccessToken"/> was answered <c>expired_token</c>.</summary>
    public async Task<PortalCredentials> RefreshAsync(string memberId, string expiredAccessToken, CancellationToken cancellationToken)
    {
        var entry = Use(memberId);
        var gate = entry.Gate;
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (entry.Credentials is { } cached && cached.AccessToken != expiredAccessToken)
            {
                return cached.Status == PortalStatus.NeedsReauth ? throw new PortalNeedsReauthException(memberId) : cached;
            }

            var result = await store.RefreshTokensAsync(memberId, expiredAccessToken, GrantAsync, cancellationToken).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case TokenRefreshOutcome.Refreshed or TokenRefreshOutcome.AlreadyRefreshed:
                    entry.Credentials = result.Credentials!;
                    BitrixLog.TokenRefreshed(logger, memberId, result.Outcome == TokenRefreshOutcome.Refreshed);
                    metrics.TokenRefresh(memberId, result.Outcome == TokenRefreshOutcome.Refreshed ? "refreshed" : "already_refreshed");
                    return result.Credentials!;
                case TokenRefreshOutcome.NeedsReauth:
                    if (entry.Credentials is { } known)
                    {
                        entry.Credentials = known with { Status = PortalStatus.NeedsReauth };
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
    public void Forget(string memberId) => _entries.TryRemove(memberId, out _);

    /// <summary>The portal's entry, marked as used now; a trim of the unused ones runs when due.</summary>
    private Entry Use(string memberId)
    {
        _trim.RunIfDue(() =>
        {
            var before = time.GetTimestamp() - (long)(RestAfter.TotalSeconds * time.TimestampFrequency);
            foreach (var (id, entry) in _entries)
            {
                // A refresh under way keeps its entry: the callers that wait on its gate take its result.
                if (entry.UsedAt < before && entry.Idle)
                {
                    _entries.TryRemove(KeyValuePair.Create(id, entry));
                }
            }
        });
        var entry = _entries.GetOrAdd(memberId, static _ => new Entry());
        entry.UsedAt = time.GetTimestamp();
        return entry;
    }

    /// <summary>
    /// One portal's cached credentials and the gate its refreshes pass one at a time. Dropped between a lookup and its
    /// use, an entry only costs a read again, or a refresh that the store's lock answers "already refreshed".
    /// </summary>
    private sealed class Entry
    {
        private SemaphoreSlim? _gate;
        private long _usedAt;

        public PortalCredentials? Credentials { get; set; }

        public long UsedAt
        {
            get => Volatile.Read(ref _usedAt);
            set => Volatile.Write(ref _usedAt, value);
        }

        public SemaphoreSlim Gate => LazyInitializer.EnsureInitialized(ref _gate, static () => new SemaphoreSlim(1, 1));

        public bool Idle => Volatile.Read(ref _gate) is not { CurrentCount: 0 };
    }
}
