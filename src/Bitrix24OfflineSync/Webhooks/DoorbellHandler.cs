using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Telemetry;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// ONOFFLINEEVENT: verify <c>application_token</c> against the stored hash in constant time, mark the portal dirty,
/// answer. Tokens in the doorbell are ignored; no call leaves the service. Bitrix24 rings no doorbell for changes
/// within <c>minTimeout</c> of one it rang, so each doorbell also asks the drain to look once more after that window
/// (and the moment the server takes to write a change's row).
/// </summary>
internal sealed class DoorbellHandler(
    ApplicationTokenCheck check,
    DirtyPortals dirty,
    IOptions<Bitrix24Options> options,
    WebhooksMetrics metrics,
    ILogger<DoorbellHandler> logger)
{
    /// <summary>How long after the window a change's row may still be on its way (the server writes rows after its answer).</summary>
    private static readonly TimeSpan RowDelay = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _followUp = TimeSpan.FromSeconds(options.Value.DoorbellMinTimeout) + RowDelay;

    public async ValueTask<IntakeResult> HandleAsync(EventPayload payload, CancellationToken cancellationToken)
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

        var markedDirty = await dirty.MarkAsync(verified.MemberId!, verified.Portal!, _followUp, cancellationToken).ConfigureAwait(false);
        WebhooksLog.DoorbellAccepted(logger, verified.MemberId!, markedDirty);
        var outcome = markedDirty ? "accepted" : "coalesced";
        metrics.Doorbell(outcome);
        span?.SetTag(ServiceTelemetry.MemberIdTag, verified.MemberId).SetTag("b24sync.outcome", outcome);
        return IntakeResult.Accepted;
    }
}
