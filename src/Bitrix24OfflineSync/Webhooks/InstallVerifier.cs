using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// What an ONAPPINSTALL must prove, within one deadline: its refresh token works at the configured OAuth server with
/// our credentials; the answer names the same <c>member_id</c> and a REST endpoint the policy allows (and the payload's,
/// when it gives one); and the token's user is an administrator of the portal (<c>user.admin</c> answers
/// <c>true</c>, asked at the verified endpoint with the new access token). Any user who opens an app holds valid
/// tokens of it; only an administrator installs it.
/// </summary>
internal sealed class InstallVerifier(
    OAuthClient oauth,
    BitrixClient rest,
    IOptions<Bitrix24Options> options,
    IOptions<InstallOptions> limits,
    TimeProvider time)
{
    public async Task<InstallVerdict> VerifyAsync(EventPayload payload, string memberId, string refreshToken, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(limits.Value.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await VerifyWithinAsync(payload, memberId, refreshToken, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return InstallVerdict.Refused($"not verified within {limits.Value.Timeout.TotalSeconds:0.#} s");
        }
    }

    private async Task<InstallVerdict> VerifyWithinAsync(EventPayload payload, string memberId, string refreshToken, CancellationToken cancellationToken)
    {
        var result = await oauth.RefreshAsync(refreshToken, cancellationToken).ConfigureAwait(false);
        if (result.Answer is not { } answer)
        {
            return InstallVerdict.Refused($"refresh token refused by the OAuth server ({result.Error})");
        }

        if (!string.Equals(answer.MemberId, memberId, StringComparison.Ordinal))
        {
            return InstallVerdict.Refused("OAuth answer names another member_id");
        }

        if (!Uri.TryCreate(answer.ClientEndpoint, UriKind.Absolute, out var endpoint))
        {
            return InstallVerdict.Refused("OAuth answer has no usable client_endpoint");
        }

        var payloadEndpoint = payload.Auth("client_endpoint");
        if (payloadEndpoint is not null &&
            (!Uri.TryCreate(payloadEndpoint, UriKind.Absolute, out var claimed) || Uri.Compare(claimed, endpoint, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0))
        {
            return InstallVerdict.Refused("payload client_endpoint differs from the OAuth answer");
        }

        if (EndpointPolicy.Check(endpoint, options.Value.AllowInsecureEndpoints) is { } problem)
        {
            return InstallVerdict.Refused($"REST endpoint {problem}");
        }

        // The refresh spent the payload's token: the answer's pair is the installer's now, and the one to ask with.
        var installer = new PortalCredentials(memberId, endpoint, answer.AccessToken!, PortalStatus.Active);
        JsonNode? isAdmin;
        try
        {
            isAdmin = (await rest.CallWithAsync(installer, "user.admin", null, cancellationToken).ConfigureAwait(false)).Result;
        }
        catch (BitrixApiException ex)
        {
            return InstallVerdict.Refused($"user.admin answered an error ({(int)ex.Error.Status} {Untrusted.Clip(ex.Error.Code)})");
        }
        catch (BitrixUnavailableException ex)
        {
            return InstallVerdict.Refused($"user.admin could not be asked ({ex.Reason})");
        }

        // Only a JSON true is an administrator; false, "true", "Y" or anything else is not.
        return isAdmin is JsonValue value && value.GetValueKind() == JsonValueKind.True
            ? InstallVerdict.Verified(answer, endpoint)
            : InstallVerdict.NotAdministrator(answer.UserId);
    }
}

/// <summary>
/// How a verification ended: <see cref="Answer"/> and <see cref="Endpoint"/> when the install is proven; otherwise why
/// not, and whether it was only the admin check that failed (a valid user's tokens, so a possible takeover).
/// </summary>
internal sealed record InstallVerdict(OAuthTokenAnswer? Answer, Uri? Endpoint, string? Refusal, bool NotAdmin, long? UserId)
{
    public static InstallVerdict Verified(OAuthTokenAnswer answer, Uri endpoint) => new(answer, endpoint, null, false, answer.UserId);

    public static InstallVerdict Refused(string reason) => new(null, null, reason, false, null);

    public static InstallVerdict NotAdministrator(long? userId) => new(null, null, "the installing user is not an administrator of the portal", true, userId);
}
