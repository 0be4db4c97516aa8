using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// The one proof an event carries: its <c>application_token</c>, compared in constant time with the hash stored for
/// its <c>member_id</c>. Unknown portal and wrong token do the same work; only the log tells them apart.
/// </summary>
internal sealed class ApplicationTokenCheck(PortalDirectory directory, ApplicationTokenHasher hasher)
{
    public async Task<TokenCheck> VerifyAsync(EventPayload payload, CancellationToken cancellationToken)
    {
        var memberId = payload.Auth("member_id");
        var presented = payload.Auth("application_token");
        if (string.IsNullOrEmpty(memberId) || string.IsNullOrEmpty(presented))
        {
            return TokenCheck.Refused(memberId, "missing member_id or application_token");
        }

        var portal = await directory.FindAsync(memberId, cancellationToken).ConfigureAwait(false);
        var matches = hasher.Matches(presented, portal?.ApplicationTokenHash);
        return portal is null ? TokenCheck.Refused(memberId, "unknown portal")
            : !matches ? TokenCheck.Refused(memberId, "wrong application_token")
            : new TokenCheck(memberId, portal, null);
    }
}

/// <summary>A verified portal, or why not (for the log only: the caller answers every refusal alike).</summary>
internal sealed record TokenCheck(string? MemberId, PortalEntry? Portal, string? Refusal)
{
    public static TokenCheck Refused(string? memberId, string reason) => new(memberId, null, reason);
}
