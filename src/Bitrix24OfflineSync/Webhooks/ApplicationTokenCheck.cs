using System.Security.Cryptography;
using System.Text;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// The one proof an event carries: its <c>application_token</c>, compared in constant time with the hash stored for
/// its <c>member_id</c>. Unknown portal and wrong token do the same work; only the log tells them apart. A token
/// that matched once is compared directly (in constant time) on the portal's later doorbells, so a burst of them
/// costs no hashing; anything else is hashed.
/// </summary>
internal sealed class ApplicationTokenCheck(KnownPortals knownPortals, ApplicationTokenHasher hasher)
{
    public async ValueTask<TokenCheck> VerifyAsync(EventPayload payload, CancellationToken cancellationToken)
    {
        var memberId = payload.MemberId;
        var presented = payload.Auth("application_token");
        if (string.IsNullOrEmpty(memberId) || string.IsNullOrEmpty(presented))
        {
            return TokenCheck.Refused(memberId, "missing member_id or application_token");
        }

        var portal = await knownPortals.FindAsync(memberId, cancellationToken).ConfigureAwait(false);
        if (portal?.VerifiedToken is { } verified && Matches(presented, verified))
        {
            return new TokenCheck(memberId, portal, null);
        }

        var matches = hasher.Matches(presented, portal?.ApplicationTokenHash);
        if (portal is null)
        {
            return TokenCheck.Refused(memberId, "unknown portal");
        }

        if (!matches)
        {
            return TokenCheck.Refused(memberId, "wrong application_token");
        }

        knownPortals.RememberVerified(memberId, portal, Encoding.UTF8.GetBytes(presented));
        return new TokenCheck(memberId, portal, null);
    }

    /// <summary>The presented token against one that matched before, in constant time, without allocating.</summary>
    private static bool Matches(string presented, byte[] verified)
    {
        if (Encoding.UTF8.GetMaxByteCount(presented.Length) > 256)
        {
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), verified);
        }

        Span<byte> token = stackalloc byte[256];
        var length = Encoding.UTF8.GetBytes(presented, token);
        return CryptographicOperations.FixedTimeEquals(token[..length], verified);
    }
}

/// <summary>A verified portal, or why not (for the log only: the caller answers every refusal alike).</summary>
internal readonly record struct TokenCheck(string? MemberId, KnownPortal? Portal, string? Refusal)
{
    public static TokenCheck Refused(string? memberId, string reason) => new(memberId, null, reason);
}
