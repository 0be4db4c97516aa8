using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix.Budget;
using Bitrix24OfflineSync.Bitrix.Http;
using Bitrix24OfflineSync.Bitrix.Tokens;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Telemetry;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>
/// Calls a portal's REST methods: only at the portal's stored endpoint, through the HTTP pipeline of
/// <see cref="BitrixHttpPipeline"/> (retry, the portal's circuit, its request budget, the attempt timeout), refreshing
/// the access token once on <c>expired_token</c>. Redirects are never followed. A method the portal blocked for its
/// operating time is not sent before its reset (<see cref="BitrixMethodPausedException"/>).
/// </summary>
internal sealed class BitrixClient(
    HttpClient http,
    PortalTokens tokens,
    PortalBudgets budgets,
    AuthConnectorUse connectors,
    BitrixMetrics metrics,
    IOptions<Bitrix24Options> options,
    TimeProvider time,
    ILogger<BitrixClient> logger)
{
    public const string HttpClientName = "bitrix24-rest";

    /// <summary>Calls <paramref name="method"/> and returns its answer; <see cref="BitrixApiException"/> for an error answer.</summary>
    public Task<BitrixResponse> CallAsync(string memberId, string method, JsonObject? parameters, CancellationToken cancellationToken) =>
        TracedAsync(memberId, method, () => AttemptAsync(memberId, method, parameters, cancellationToken));

    /// <summary>
    /// Calls <paramref name="method"/> with credentials the store does not hold (an install's, before it is accepted),
    /// through the same pipeline and endpoint checks, but without a token refresh, the connector or operating-time
    /// pacing: a refused token is an answer here, not something to repair.
    /// </summary>
    public Task<BitrixResponse> CallWithAsync(PortalCredentials credentials, string method, JsonObject? parameters, CancellationToken cancellationToken) =>
        TracedAsync(credentials.MemberId, method, async () =>
        {
            var answer = await SendAsync(credentials, method, parameters, allowConnector: false, cancellationToken).ConfigureAwait(false);
            return answer.Error is { } error ? throw Failure(credentials.MemberId, method, error) : answer.Response!;
        });

    private async Task<BitrixResponse> TracedAsync(string memberId, string method, Func<Task<BitrixResponse>> call)
    {
        using var span = ServiceTelemetry.Source.StartActivity("b24sync.rest_call", ActivityKind.Internal);
        span?.SetTag("rpc.method", method).SetTag(ServiceTelemetry.MemberIdTag, memberId);
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (BrokenCircuitException ex)
        {
            throw Unavailable(span, new BitrixUnavailableException(memberId, method, "circuit open after repeated failures", ex));
        }
        catch (AnswerTooLargeException ex)
        {
            BitrixLog.AnswerTooLarge(logger, memberId, method, ex.Limit);
            throw Unavailable(span, new BitrixUnavailableException(memberId, method, $"answer longer than {ex.Limit} bytes (Bitrix24:MaxResponseBytes); not read further", ex));
        }
        catch (TimeoutRejectedException ex)
        {
            throw Unavailable(span, new BitrixUnavailableException(memberId, method, "timed out", ex));
        }
        catch (HttpRequestException ex) when (AddressRefusedException.In(ex) is { } refused)
        {
            BitrixLog.EndpointRefused(logger, memberId, refused.Problem);
            throw Unavailable(span, new BitrixUnavailableException(memberId, method, $"the portal's endpoint {refused.Problem}", ex));
        }
        catch (HttpRequestException ex)
        {
            throw Unavailable(span, new BitrixUnavailableException(memberId, method, $"connection failed ({ex.HttpRequestError})", ex));
        }
        catch (BitrixUnavailableException ex)
        {
            throw Unavailable(span, ex);
        }
    }

    private static BitrixUnavailableException Unavailable(Activity? span, BitrixUnavailableException error)
    {
        span?.SetStatus(ActivityStatusCode.Error, error.Reason);
        return error;
    }

    private async Task<BitrixResponse> AttemptAsync(string memberId, string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        if (budgets.For(memberId).Operating.NotBefore(method) is var notBefore && notBefore > time.GetUtcNow())
        {
            // Known to be blocked or paced: asking would only spend the request budget on a refusal.
            throw new BitrixMethodPausedException(memberId, method, notBefore);
        }

        var credentials = await tokens.GetAsync(memberId, cancellationToken).ConfigureAwait(false);
        var answer = await SendAsync(credentials, method, parameters, allowConnector: true, cancellationToken).ConfigureAwait(false);
        if (answer.Error is { IsExpiredToken: true })
        {
            credentials = await tokens.RefreshAsync(memberId, credentials.AccessToken, cancellationToken).ConfigureAwait(false);
            answer = await SendAsync(credentials, method, parameters, allowConnector: true, cancellationToken).ConfigureAwait(false);
        }

        if (answer.Error is { IsConnectorLicence: true } && answer.ConnectorSent)
        {
            // The plan lacks rest_auth_connector: the server refused the key before running anything.
            if (connectors.Refuse(memberId))
            {
                BitrixLog.ConnectorRefused(logger, memberId);
            }

            answer = await SendAsync(credentials, method, parameters, allowConnector: true, cancellationToken).ConfigureAwait(false);
        }

        if (answer.Error is not { } error)
        {
            // Looked up again, not kept across the call: a budget is only ever dropped when nothing was sent for a while.
            ReadOperating(budgets.For(memberId).Operating, method, answer.Response!.Time);
            return answer.Response!;
        }

        if (error.IsOperationTimeLimit)
        {
            var until = budgets.For(memberId).Operating.Blocked(method, answer.OperatingResetAt);
            BitrixLog.OperationTimeLimit(logger, memberId, method, (until - time.GetUtcNow()).TotalMilliseconds);
            metrics.OperatingBlocked(memberId, method);
            throw new BitrixMethodPausedException(memberId, method, until);
        }

        throw Failure(memberId, method, error);
    }

    private static Exception Failure(string memberId, string method, BitrixError error) =>
        error.IsQueryLimit || (int)error.Status >= 500
            // What the retries could not get past: the limits still refuse, or the portal keeps failing.
            ? new BitrixUnavailableException(memberId, method, $"HTTP {(int)error.Status} {error.Code}".TrimEnd())
            : new BitrixApiException(memberId, method, error);

    private async Task<Answer> SendAsync(PortalCredentials credentials, string method, JsonObject? parameters, bool allowConnector, CancellationToken cancellationToken)
    {
        if (EndpointPolicy.Check(credentials.ClientEndpoint, options.Value.AllowInsecureEndpoints) is { } problem)
        {
            BitrixLog.EndpointRefused(logger, credentials.MemberId, problem);
            throw new BitrixUnavailableException(credentials.MemberId, method, $"the portal's endpoint {problem}");
        }

        var body = parameters?.DeepClone().AsObject() ?? [];
        body["auth"] = credentials.AccessToken;
        var connector = allowConnector ? connectors.For(credentials.MemberId) : null;
        var withConnector = connector is not null;
        if (withConnector)
        {
            // The connector selects the offline queue and binding the calls work on; it rides on every call.
            body["auth_connector"] = connector;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(credentials.ClientEndpoint, method))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            // HTTP/2 where the portal offers it (over TLS, ALPN decides), else HTTP/1.1 on a kept-alive connection.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        BitrixRequest.Describe(request, credentials.MemberId, method, RetrySafety.IsSafe(method, parameters));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                var host = response.Headers.Location?.IsAbsoluteUri == true ? response.Headers.Location.Host : "(relative)";
                BitrixLog.Redirected(logger, credentials.MemberId, method, host);
                throw new BitrixUnavailableException(credentials.MemberId, method, $"redirect to {host} not followed; the portal may have been renamed");
            }

            JsonObject? json;
            try
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                json = text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
                json = null;
            }

            if (json?["error"] is { } code)
            {
                var error = new BitrixError(code.ToString(), json["error_description"]?.ToString() ?? "", response.StatusCode);
                return new Answer(null, error, OperatingResetAt(json), withConnector);
            }

            if (response.StatusCode != HttpStatusCode.OK || json is null)
            {
                return new Answer(null, new BitrixError("", $"unexpected answer {(int)response.StatusCode}", response.StatusCode), null, withConnector);
            }

            return new Answer(
                new BitrixResponse(json["result"]?.DeepClone(), Int(json["total"]), Int(json["next"]), json["time"]?.DeepClone() as JsonObject),
                null,
                null,
                withConnector);
        }
    }

    /// <summary>Reads <c>operating</c> and <c>operating_reset_at</c> of a <c>time</c> block (an answer's, or a batch entry's).</summary>
    internal static void ReadOperating(OperatingTime operating, string method, JsonNode? time)
    {
        if (time?["operating"] is { } used && time["operating_reset_at"] is { } reset &&
            double.TryParse(used.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) &&
            long.TryParse(reset.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var resetAt))
        {
            operating.Observe(method, seconds, DateTimeOffset.FromUnixTimeSeconds(resetAt));
        }
    }

    private static DateTimeOffset? OperatingResetAt(JsonObject json)
    {
        var reset = json["operating_reset_at"] ?? json["time"]?["operating_reset_at"];
        return reset is not null && long.TryParse(reset.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var unix)
            ? DateTimeOffset.FromUnixTimeSeconds(unix)
            : null;
    }

    private static int? Int(JsonNode? node) =>
        node is not null && int.TryParse(node.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private sealed record Answer(BitrixResponse? Response, BitrixError? Error, DateTimeOffset? OperatingResetAt, bool ConnectorSent);
}
