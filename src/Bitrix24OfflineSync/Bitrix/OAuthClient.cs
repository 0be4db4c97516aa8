using System.Text.Json;
using Bitrix24OfflineSync.Telemetry;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>
/// Talks to the configured OAuth server, and only to it. A refresh token is spent by the call whether or not the
/// answer arrives, so callers must store what comes back before anything else. The request carries
/// <c>client_secret</c> and <c>refresh_token</c> in its query (the documented GET), so it is neither logged nor traced:
/// the client has no logging handlers and its connection handler makes no activity, whatever the runtime's URI
/// redaction switch says.
/// </summary>
internal sealed class OAuthClient(HttpClient http, IOptions<Bitrix24Options> options)
{
    public const string HttpClientName = "bitrix24-oauth";

    /// <summary>A token answer is a few hundred bytes: a longer one is not read.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    public static void Configure(HttpClient http)
    {
        http.Timeout = TimeSpan.FromSeconds(30);
        http.MaxResponseContentBufferSize = MaxAnswerBytes;
    }

    /// <summary>
    /// For <c>ConfigurePrimaryHttpMessageHandler</c>: without a propagator, the handler has no diagnostics stage, so
    /// no <c>System.Net.Http</c> activity (and no HttpClient instrumentation span) is made with the URL.
    /// </summary>
    public static void Untraced(HttpMessageHandler handler, IServiceProvider services) =>
        ((SocketsHttpHandler)handler).ActivityHeadersPropagator = null;

    public async Task<OAuthResult> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.HasCredentials)
        {
            return OAuthResult.Failed("client_not_configured");
        }

        var query = $"grant_type=refresh_token&client_id={Uri.EscapeDataString(settings.ClientId!)}" +
            $"&client_secret={Uri.EscapeDataString(settings.ClientSecret!)}&refresh_token={Uri.EscapeDataString(refreshToken)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(settings.TokenEndpoint, "?" + query));
        ServiceTelemetry.Untraced(request);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            OAuthTokenAnswer? answer;
            try
            {
                answer = await response.Content.ReadFromJsonAsync<OAuthTokenAnswer>(cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                return OAuthResult.Failed($"unreadable_answer_{(int)response.StatusCode}");
            }

            if (!response.IsSuccessStatusCode || answer is null || answer.Error is not null)
            {
                return OAuthResult.Failed(answer?.Error ?? $"http_{(int)response.StatusCode}");
            }

            return answer.AccessToken is null || answer.RefreshToken is null || answer.MemberId is null || answer.ClientEndpoint is null
                ? OAuthResult.Failed("incomplete_answer")
                : OAuthResult.Success(answer);
        }
        catch (HttpRequestException ex) when (Http.AddressRefusedException.In(ex) is not null)
        {
            return OAuthResult.Failed("address_refused");
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            return OAuthResult.Failed("answer_too_large");
        }
        catch (HttpRequestException ex)
        {
            return OAuthResult.Failed($"unreachable_{ex.HttpRequestError}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return OAuthResult.Failed("timeout");
        }
    }
}

/// <summary>A token answer, or why there is none (an OAuth error code such as <c>invalid_grant</c>, never a token).</summary>
internal sealed record OAuthResult(OAuthTokenAnswer? Answer, string? Error)
{
    public static OAuthResult Success(OAuthTokenAnswer answer) => new(answer, null);

    public static OAuthResult Failed(string error) => new(null, error);
}
