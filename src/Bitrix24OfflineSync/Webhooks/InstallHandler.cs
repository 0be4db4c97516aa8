using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Bitrix.Tokens;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Registration;
using Bitrix24OfflineSync.Security;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// ONAPPINSTALL is verified, not believed (<see cref="InstallVerifier"/>), within the limits on what unverified
/// installs may cost (<see cref="InstallLimits"/>). Only a proven install is stored: the REST endpoint and the domain
/// are the OAuth server's answer, never the payload's, and a reinstall over an active portal whose installer is not
/// an administrator changes nothing.
/// </summary>
internal sealed class InstallHandler(
    InstallLimits limits,
    InstallVerifier verifier,
    InstallRefusalLog refusals,
    IPortalRegistry registry,
    KnownPortals knownPortals,
    ApplicationTokenHasher hasher,
    PortalTokens tokens,
    RegistrationQueue registrations,
    WebhooksMetrics metrics,
    IOptions<Bitrix24Options> options,
    TimeProvider time,
    ILogger<InstallHandler> logger)
{
    public async Task<IntakeResult> HandleAsync(EventPayload payload, CancellationToken cancellationToken)
    {
        var memberId = payload.MemberId;
        var claimedDomain = payload.Auth("domain");
        var refreshToken = payload.Auth("refresh_token");
        var applicationToken = payload.Auth("application_token");
        if (string.IsNullOrEmpty(memberId) || string.IsNullOrEmpty(refreshToken) || string.IsNullOrEmpty(applicationToken))
        {
            return Reject("missing member_id, refresh_token or application_token", memberId, claimedDomain);
        }

        if (!options.Value.HasCredentials)
        {
            WebhooksLog.NoCredentials(logger);
            return Reject("client credentials not configured", memberId, claimedDomain);
        }

        using var permit = limits.TryEnter(memberId);
        if (permit.Refusal is { } busy)
        {
            refusals.Refused(busy, memberId, claimedDomain);
            metrics.Install("throttled");
            return IntakeResult.Throttled;
        }

        var verdict = await verifier.VerifyAsync(payload, memberId, refreshToken, cancellationToken).ConfigureAwait(false);
        if (verdict is not { Answer: { } answer, Endpoint: { } endpoint })
        {
            if (verdict.NotAdmin && await registry.FindAsync(memberId, cancellationToken).ConfigureAwait(false) is { Status: PortalStatus.Active })
            {
                // A valid user of the portal, not its administrator, tried to replace the app's tokens and application_token.
                WebhooksLog.TakeoverRefused(logger, memberId, verdict.UserId);
                metrics.Install("takeover_refused");
                return IntakeResult.Unauthorized;
            }

            return Reject(verdict.Refusal!, memberId, claimedDomain);
        }

        var now = time.GetUtcNow();
        var install = new PortalInstall(
            memberId,
            endpoint.IdnHost,
            endpoint,
            answer.AccessToken!,
            answer.RefreshToken!,
            now.AddSeconds(answer.ExpiresIn ?? 3600),
            hasher.Hash(applicationToken),
            answer.Scope ?? "",
            now);
        await registry.SaveInstallAsync(install, cancellationToken).ConfigureAwait(false);
        tokens.Forget(memberId);
        var record = await registry.FindAsync(memberId, cancellationToken).ConfigureAwait(false);
        if (record is not null)
        {
            knownPortals.Remember(record);
        }

        WebhooksLog.InstallAccepted(logger, memberId, install.Domain, endpoint.GetLeftPart(UriPartial.Path));
        metrics.Install("accepted");
        registrations.Schedule(memberId);
        return IntakeResult.Accepted;
    }

    private IntakeResult Reject(string reason, string? memberId, string? domain)
    {
        refusals.Refused(reason, memberId, domain);
        metrics.Install("rejected");
        return IntakeResult.Unauthorized;
    }
}
