using Bitrix24OfflineSync.Bitrix.Tokens;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Bitrix24OfflineSync.Sinks;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>ONAPPUNINSTALL: its <c>application_token</c> is its only proof. Marks the portal uninstalled and deletes its tokens.</summary>
internal sealed class UninstallHandler(
    PortalDirectory directory,
    IPortalRegistry registry,
    ApplicationTokenHasher hasher,
    PortalTokens tokens,
    ISyncSink sink,
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
        var clean = payload.Get("data", "CLEAN") == "1";
        WebhooksLog.UninstallAccepted(logger, memberId, domain, clean);
        if (clean)
        {
            // The sink may be remote; Bitrix24 is answered without waiting for it.
            _ = ForgetAsync(memberId);
        }

        return IntakeResult.Accepted;
    }

    private async Task ForgetAsync(string memberId)
    {
        try
        {
            await sink.ForgetPortalAsync(memberId, CancellationToken.None).ConfigureAwait(false);
            WebhooksLog.PortalDataDeleted(logger, memberId);
        }
        catch (Exception ex) when (ex is SinkUnavailableException or Microsoft.Data.Sqlite.SqliteException)
        {
            WebhooksLog.PortalDataNotDeleted(logger, ex, memberId);
        }
    }
}
