using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Telemetry;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// ONOFFLINEEVENT: verify <c>application_token</c> against the stored hash in constant time, mark the portal dirty,
/// answer. Tokens in the doorbell are ignored; no call leaves the service.
/// </summary>
internal sealed class DoorbellHandler(ApplicationTokenCheck check, DirtyPortals dirty, WebhooksMetrics metrics, ILogger<DoorbellHandler> logger)
{
    public async Task<IntakeResult> HandleAsync(EventPayload payload, CancellationToken cancellationToken)
    {
        using var span = ServiceTelemetry.Source.StartActivity("b24sync.doorbell");
        var verified = await check.VerifyAsync(payload, cancellationToken).ConfigureAwait(false);
        var refusal = verified.Refusal ?? (verified.Portal!.Status == PortalStatus.Uninstalled ? "portal uninstalled" : null);
        if (refusal is not null)
        {
            WebhooksLog.DoorbellRejected(logger, refusal, Untrusted.Clip(verified.MemberId), Untrusted.Clip(payload.Auth("domain")));
            metrics.Doorbell("rejected");
            span?.SetTag("b24sync.outcome", "rejected");
            return IntakeResult.Unauthorized;
        }

        var markedDirty = await dirty.MarkAsync(verified.MemberId!, verified.Portal!, cancellationToken).ConfigureAwait(false);
        WebhooksLog.DoorbellAccepted(logger, verified.MemberId!, markedDirty);
        var outcome = markedDirty ? "accepted" : "coalesced";
        metrics.Doorbell(outcome);
        span?.SetTag(ServiceTelemetry.MemberIdTag, verified.MemberId).SetTag("b24sync.outcome", outcome);
        return IntakeResult.Accepted;
    }
}
