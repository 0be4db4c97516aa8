using Bitrix24OfflineSync.Bitrix.Tokens;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sinks;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>ONAPPUNINSTALL: its <c>application_token</c> is its only proof. Marks the portal uninstalled and deletes its tokens.</summary>
internal sealed class UninstallHandler(
    ApplicationTokenCheck check,
    KnownPortals knownPortals,
    IPortalRegistry registry,
    PortalTokens tokens,
    SinkCommits sink,
    ILogger<UninstallHandler> logger)
{
    public async Task<IntakeResult> HandleAsync(EventPayload payload, CancellationToken cancellationToken)
    {
        var domain = Untrusted.Clip(payload.Auth("domain"));
        var verified = await check.VerifyAsync(payload, cancellationToken).ConfigureAwait(false);
        if (verified.Refusal is { } refusal)
        {
            WebhooksLog.UninstallRejected(logger, refusal, Untrusted.Clip(verified.MemberId), domain);
            return IntakeResult.Unauthorized;
        }

        var memberId = verified.MemberId!;
        await registry.MarkUninstalledAsync(memberId, cancellationToken).ConfigureAwait(false);
        // The uninstalled portal's record stays (without tokens), so its domain is still known.
        var knownDomain = (await registry.FindAsync(memberId, cancellationToken).ConfigureAwait(false))?.Domain;
        knownPortals.MarkUninstalled(memberId);
        tokens.Forget(memberId);
        var clean = payload.Get("data", "CLEAN") == "1";
        WebhooksLog.UninstallAccepted(logger, memberId, domain, clean);
        if (clean)
        {
            // The sink may be remote; Bitrix24 is answered without waiting for it.
            _ = ForgetAsync(memberId, knownDomain);
        }

        return IntakeResult.Accepted;
    }

    private async Task ForgetAsync(string memberId, string? domain)
    {
        try
        {
            await sink.ForgetPortalAsync(memberId, domain, CancellationToken.None).ConfigureAwait(false);
            WebhooksLog.PortalDataDeleted(logger, memberId);
        }
        catch (SinkUnavailableException ex)
        {
            WebhooksLog.PortalDataNotDeleted(logger, ex, memberId);
        }
    }
}
