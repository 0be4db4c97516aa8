using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Bitrix24OfflineSync.Sync;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// ONOFFLINEEVENT: verify <c>application_token</c> against the stored hash in constant time, mark the portal dirty
/// (one write, only when it turns dirty), wake the worker. Tokens in the doorbell are ignored; no call leaves the service.
/// </summary>
internal sealed class DoorbellHandler(
    PortalDirectory directory,
    IPortalRegistry registry,
    ApplicationTokenHasher hasher,
    DrainSignals signals,
    ILogger<DoorbellHandler> logger)
{
    public async Task<IntakeResult> HandleAsync(EventPayload payload, CancellationToken cancellationToken)
    {
        var memberId = payload.Auth("member_id");
        var presented = payload.Auth("application_token");
        if (string.IsNullOrEmpty(memberId) || string.IsNullOrEmpty(presented))
        {
            WebhooksLog.DoorbellRejected(logger, "missing member_id or application_token", Untrusted.Clip(memberId), Untrusted.Clip(payload.Auth("domain")));
            return IntakeResult.Unauthorized;
        }

        var portal = await directory.FindAsync(memberId, cancellationToken).ConfigureAwait(false);
        var tokenMatches = hasher.Matches(presented, portal?.ApplicationTokenHash);
        if (portal is null || !tokenMatches || portal.Status == PortalStatus.Uninstalled)
        {
            var reason = portal is null ? "unknown portal" : !tokenMatches ? "wrong application_token" : "portal uninstalled";
            WebhooksLog.DoorbellRejected(logger, reason, Untrusted.Clip(memberId), Untrusted.Clip(payload.Auth("domain")));
            return IntakeResult.Unauthorized;
        }

        var markedDirty = false;
        if (!portal.Dirty)
        {
            await registry.SignalAsync(memberId, cancellationToken).ConfigureAwait(false);
            directory.MarkDirty(memberId);
            markedDirty = true;
        }

        signals.Wake(memberId);
        WebhooksLog.DoorbellAccepted(logger, memberId, markedDirty);
        return IntakeResult.Accepted;
    }
}
