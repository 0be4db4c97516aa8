using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sync;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// ONOFFLINEEVENT: verify <c>application_token</c> against the stored hash in constant time, mark the portal dirty
/// (on SQLite one write, only when it turns dirty; on PostgreSQL every time, because the cached dirty flag is this
/// replica's and another replica's worker may have taken the signals since), wake the worker. Tokens in the doorbell
/// are ignored; no call leaves the service.
/// </summary>
internal sealed class DoorbellHandler(
    ApplicationTokenCheck check,
    PortalDirectory directory,
    SignalWriter writer,
    DrainSignals signals,
    IOptions<StorageOptions> storage,
    ILogger<DoorbellHandler> logger)
{
    public async Task<IntakeResult> HandleAsync(EventPayload payload, CancellationToken cancellationToken)
    {
        var verified = await check.VerifyAsync(payload, cancellationToken).ConfigureAwait(false);
        var refusal = verified.Refusal ?? (verified.Portal!.Status == PortalStatus.Uninstalled ? "portal uninstalled" : null);
        if (refusal is not null)
        {
            WebhooksLog.DoorbellRejected(logger, refusal, Untrusted.Clip(verified.MemberId), Untrusted.Clip(payload.Auth("domain")));
            return IntakeResult.Unauthorized;
        }

        var memberId = verified.MemberId!;
        var portal = verified.Portal!;
        var markedDirty = false;
        if (!portal.Dirty || storage.Value.Provider == StorageProvider.Postgres)
        {
            await writer.SignalAsync(memberId, cancellationToken).ConfigureAwait(false);
            directory.MarkDirty(memberId);
            markedDirty = true;
        }

        signals.Wake(memberId);
        WebhooksLog.DoorbellAccepted(logger, memberId, markedDirty);
        return IntakeResult.Accepted;
    }
}
