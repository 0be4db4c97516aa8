using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Bitrix.Tokens;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Registration;
using Bitrix24OfflineSync.Security;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// ONAPPINSTALL is verified, not believed: the payload's refresh token must work at the configured OAuth server with
/// our credentials, and the answer must name the same <c>member_id</c>. The REST endpoint stored is the one the OAuth
/// server answered; no URL from the payload is ever called.
/// </summary>
internal sealed class InstallHandler(
    OAuthClient oauth,
    IPortalRegistry registry,
    PortalDirectory directory,
    ApplicationTokenHasher hasher,
    PortalTokens tokens,
    RegistrationQueue registrations,
    IOptions<Bitrix24Options> options,
    TimeProvider time,
    ILogger<InstallHandler> logger)
{
    public async Task<IntakeResult> HandleAsync(EventPayload payload, CancellationToken cancellationToken)
    {
        var memberId = payload.MemberId;
        var domain = payload.Auth("domain");
        var refreshToken = payload.Auth("refresh_token");
        var applicationToken = payload.Auth("application_token");
        if (string.IsNullOrEmpty(memberId) || string.IsNullOrEmpty(refreshToken) || string.IsNullOrEmpty(applicationToken))
        {
            return Reject("missing member_id, refresh_token or application_token", memberId, domain);
        }

        if (!options.Value.HasCredentials)
        {
            WebhooksLog.NoCredentials(logger);
            return Reject("client credentials not configured", memberId, domain);
        }

        var result = await oauth.RefreshAsync(refreshToken, cancellationToken).ConfigureAwait(false);
        if (result.Answer is not { } answer)
        {
            return Reject($"refresh token refused by the OAuth server ({result.Error})", memberId, domain);
        }

        if (!string.Equals(answer.MemberId, memberId, StringComparison.Ordinal))
        {
            return Reject("OAuth answer names another member_id", memberId, domain);
        }

        if (!Uri.TryCreate(answer.ClientEndpoint, UriKind.Absolute, out var endpoint))
        {
            return Reject("OAuth answer has no usable client_endpoint", memberId, domain);
        }

        var payloadEndpoint = payload.Auth("client_endpoint");
        if (payloadEndpoint is not null &&
            (!Uri.TryCreate(payloadEndpoint, UriKind.Absolute, out var claimed) || Uri.Compare(claimed, endpoint, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0))
        {
            return Reject("payload client_endpoint differs from the OAuth answer", memberId, domain);
        }

        if (EndpointPolicy.Check(endpoint, options.Value.AllowInsecureEndpoints) is { } problem)
        {
            return Reject($"REST endpoint {problem}", memberId, domain);
        }

        var now = time.GetUtcNow();
        var install = new PortalInstall(
            memberId,
            string.IsNullOrWhiteSpace(domain) ? endpoint.Host : domain,
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
            directory.Remember(record);
        }

        WebhooksLog.InstallAccepted(logger, memberId, install.Domain, endpoint.GetLeftPart(UriPartial.Path));
        registrations.Schedule(memberId);
        return IntakeResult.Accepted;
    }

    private IntakeResult Reject(string reason, string? memberId, string? domain)
    {
        WebhooksLog.InstallRejected(logger, reason, Untrusted.Clip(memberId), Untrusted.Clip(domain));
        return IntakeResult.Unauthorized;
    }
}
