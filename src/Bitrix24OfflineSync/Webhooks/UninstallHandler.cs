using Bitrix24OfflineSync.Bitrix.Tokens;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>ONAPPUNINSTALL: its <c>application_token</c> is its only proof. Marks the portal uninstalled and deletes its tokens.</summary>
internal sealed class UninstallHandler(
    PortalDirectory directory,
    IPortalRegistry registry,
    ApplicationTokenHasher hasher,
    PortalTokens tokens,
    ILogger<UninstallHandler> logger)
{
    public async Task<IntakeResult> HandleAsync(EventPayload payload, CancellationToken cancellationToken)
    {
        var memberId = payload.Auth("member_id");
        var presented = payload.Auth("application_token");
        var domain = Untrusted.Clip(payload.Auth("domain"));
        if (string.IsNullOrEmpty(memberId) || string.IsNullOrEmpty(presented))
        {
            WebhooksLog.UninstallRejected(logger, "missing member_id or application_token", Untrusted.Clip(memberId), domain);
            return IntakeResult.Unauthorized;
        }

        var portal = await directory.FindAsync(memberId, cancellationToken).ConfigureAwait(false);
        if (!hasher.Matches(presented, portal?.ApplicationTokenHash) || portal is null)
        {
            WebhooksLog.UninstallRejected(logger, portal is null ? "unknown portal" : "wrong application_token", Untrusted.Clip(memberId), domain);
            return IntakeResult.Unauthorized;
        }

        await registry.MarkUninstalledAsync(memberId, cancellationToken).ConfigureAwait(false);
        directory.MarkUninstalled(memberId);
        tokens.Forget(memberId);
        // CLEAN=1 asks for the mirrored data to go too; it is honoured by the sinks that hold such data.
        WebhooksLog.UninstallAccepted(logger, memberId, domain, payload.Get("data", "CLEAN") == "1");
        return IntakeResult.Accepted;
    }
}
