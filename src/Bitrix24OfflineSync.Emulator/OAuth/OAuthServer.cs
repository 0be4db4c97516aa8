using System.Collections.Concurrent;
using System.Security.Cryptography;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.OAuth;

/// <summary>
/// The cloud OAuth server: issues token pairs, exchanges authorization codes, and rotates refresh tokens, each of
/// which works once. Access tokens expire after <see cref="EmulatorOptions.AccessTokenLifetime"/>.
/// </summary>
public sealed class OAuthServer(BitrixWorld world)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Grant> _accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Grant> _refreshTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Grant> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Domain, string ClientId), TokenPair> _lastIssued = new();
    private int _refreshRequests;
    private int _refreshesGranted;

    /// <summary>Every <c>grant_type=refresh_token</c> request that reached the server, granted or not.</summary>
    public int RefreshRequests => Volatile.Read(ref _refreshRequests);

    public int RefreshesGranted => Volatile.Read(ref _refreshesGranted);

    /// <summary>The most recent pair issued for an app on a portal (what a client should have stored).</summary>
    public TokenPair? LastIssued(EmulatedPortal portal, EmulatedApp app) => _lastIssued.GetValueOrDefault((portal.Domain, app.ClientId));

    /// <summary>
    /// A pair for an event's <c>auth</c> block: valid like any other, but not what the client is expected to have
    /// stored, and it revokes nothing.
    /// </summary>
    public TokenPair IssueForEvent(EmulatedPortal portal, EmulatedApp app, int userId) => Issue(portal, app, userId, track: false);

    /// <summary>A pair for a user who opened the app: valid like any other, but not what the client stored.</summary>
    public TokenPair IssueForUser(EmulatedPortal portal, EmulatedApp app, int userId) => Issue(portal, app, userId, track: false);

    public TokenPair Issue(EmulatedPortal portal, EmulatedApp app, int userId) => Issue(portal, app, userId, track: true);

    private TokenPair Issue(EmulatedPortal portal, EmulatedApp app, int userId, bool track)
    {
        var now = world.Time.GetUtcNow();
        var grant = new Grant(portal, app, userId, now + world.Options.AccessTokenLifetime, now + world.Options.RefreshTokenLifetime, track);
        var pair = new TokenPair(NewToken(), NewToken(), grant.AccessExpiresAt, userId);
        lock (_sync)
        {
            _accessTokens[pair.AccessToken] = grant;
            _refreshTokens[pair.RefreshToken] = grant;
        }

        if (track)
        {
            _lastIssued[(portal.Domain, app.ClientId)] = pair;
        }

        return pair;
    }

    public string IssueAuthorizationCode(EmulatedPortal portal, EmulatedApp app, int userId = 1)
    {
        var now = world.Time.GetUtcNow();
        var code = NewToken();
        lock (_sync)
        {
            _codes[code] = new Grant(portal, app, userId, now + world.Options.AuthorizationCodeLifetime, now + world.Options.AuthorizationCodeLifetime);
        }

        return code;
    }

    /// <summary><c>grant_type=refresh_token</c>: the old refresh token is spent whether or not the client gets the answer.</summary>
    public (Grant Grant, TokenPair Pair) Refresh(string? clientId, string? clientSecret, string? refreshToken)
    {
        Interlocked.Increment(ref _refreshRequests);
        var app = Authenticate(clientId, clientSecret);
        Grant grant;
        lock (_sync)
        {
            if (refreshToken is null || !_refreshTokens.Remove(refreshToken, out var found) || found.App != app)
            {
                throw new OAuthException("invalid_grant", "Invalid refresh token");
            }

            grant = found;
        }

        if (grant.RefreshExpiresAt <= world.Time.GetUtcNow() || !grant.Portal.IsInstalled(app))
        {
            throw new OAuthException("invalid_grant", "Refresh token expired");
        }

        Interlocked.Increment(ref _refreshesGranted);
        // A pair refreshed from an event's or a user's pair is theirs, not the one the client is expected to hold.
        return (grant, Issue(grant.Portal, grant.App, grant.UserId, grant.Tracked));
    }

    /// <summary><c>grant_type=authorization_code</c>: a code works once and lives 30 seconds.</summary>
    public (Grant Grant, TokenPair Pair) ExchangeCode(string? clientId, string? clientSecret, string? code)
    {
        var app = Authenticate(clientId, clientSecret);
        Grant grant;
        lock (_sync)
        {
            if (code is null || !_codes.Remove(code, out var found) || found.App != app)
            {
                throw new OAuthException("invalid_grant", "Invalid authorization code");
            }

            grant = found;
        }

        if (grant.AccessExpiresAt <= world.Time.GetUtcNow())
        {
            throw new OAuthException("invalid_grant", "Authorization code expired");
        }

        return (grant, Issue(grant.Portal, grant.App, grant.UserId));
    }

    /// <summary>Looks an access token up; <paramref name="expired"/> tells a known but expired token from an unknown one.</summary>
    public Grant? ResolveAccessToken(string token, out bool expired)
    {
        expired = false;
        Grant? grant;
        lock (_sync)
        {
            _accessTokens.TryGetValue(token, out grant);
        }

        if (grant is null || !grant.Portal.IsInstalled(grant.App))
        {
            return null;
        }

        expired = grant.AccessExpiresAt <= world.Time.GetUtcNow();
        return grant;
    }

    /// <summary>Forgets every token of an app on a portal, as an uninstall does.</summary>
    public void Revoke(EmulatedPortal portal, EmulatedApp app)
    {
        lock (_sync)
        {
            foreach (var map in new[] { _accessTokens, _refreshTokens, _codes })
            {
                foreach (var key in map.Where(p => p.Value.Portal == portal && p.Value.App == app).Select(p => p.Key).ToList())
                {
                    map.Remove(key);
                }
            }
        }

        _lastIssued.TryRemove((portal.Domain, app.ClientId), out _);
    }

    /// <summary>Makes every access token of a portal expire now, as an hour passing would.</summary>
    public void ExpireAccessTokens(EmulatedPortal portal)
    {
        var now = world.Time.GetUtcNow();
        lock (_sync)
        {
            foreach (var key in _accessTokens.Where(p => p.Value.Portal == portal).Select(p => p.Key).ToList())
            {
                _accessTokens[key] = _accessTokens[key] with { AccessExpiresAt = now };
            }
        }
    }

    private EmulatedApp Authenticate(string? clientId, string? clientSecret)
    {
        var app = world.Apps.FirstOrDefault(a => a.ClientId == clientId);
        if (app is null || clientSecret is null ||
            !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(app.ClientSecret), System.Text.Encoding.UTF8.GetBytes(clientSecret)))
        {
            throw new OAuthException("invalid_client", "Invalid client credentials");
        }

        return app;
    }

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(35));

    /// <summary>
    /// What a token stands for: an app's authorization on a portal for a user. <paramref name="Tracked"/> says its
    /// pairs are what the client is expected to hold (<see cref="LastIssued"/>), as the install's and their refreshes are.
    /// </summary>
    public sealed record Grant(EmulatedPortal Portal, EmulatedApp App, int UserId, DateTimeOffset AccessExpiresAt, DateTimeOffset RefreshExpiresAt, bool Tracked = true);
}
