using System.Text.Json;
using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Bitrix.Budget;
using Polly.Timeout;

namespace Bitrix24OfflineSync.Bitrix.Http;

/// <summary>
/// One attempt of a REST request, inside the retry and the portal's circuit and outside the attempt timeout: it takes
/// a slot of the portal's request budget (so the wait for the budget never counts against the timeout), sends, and
/// reads what came back. A <c>QUERY_LIMIT_EXCEEDED</c> pauses the portal's budget and marks the attempt as not run,
/// so the retry sends even an unsafe call again once the pause is over. Every attempt is counted by its outcome; a
/// fault gives the portal a circuit of its own (<see cref="PortalCircuits"/>).
/// </summary>
internal sealed partial class PortalAttemptHandler(PortalBudgets budgets, PortalCircuits circuits, BitrixMetrics metrics, ILogger<PortalAttemptHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var memberId = BitrixRequest.MemberId(request);
        var method = BitrixRequest.Method(request);
        var budget = await budgets.AcquireAsync(memberId, cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            Attempted(request, memberId, method, "timeout", notExecuted: false);
            circuits.Faulted(memberId);
            throw;
        }
        catch (AnswerTooLargeException)
        {
            Attempted(request, memberId, method, "too_large", notExecuted: false);
            throw;
        }
        catch (HttpRequestException ex) when (AddressRefusedException.In(ex) is not null)
        {
            Attempted(request, memberId, method, "address_refused", notExecuted: false);
            throw;
        }
        catch (HttpRequestException ex)
        {
            Attempted(request, memberId, method, $"connection_{ex.HttpRequestError}", notExecuted: false);
            circuits.Faulted(memberId);
            throw;
        }

        if (response.IsSuccessStatusCode)
        {
            Attempted(request, memberId, method, "ok", notExecuted: false);
            return response;
        }

        var code = await ErrorCodeAsync(response, cancellationToken).ConfigureAwait(false);
        var limited = code == BitrixError.QueryLimitExceeded;
        Attempted(request, memberId, method, code ?? $"http_{(int)response.StatusCode}", notExecuted: limited);
        if (limited)
        {
            var pause = budget.OnQueryLimitExceeded(response.Headers.RetryAfter?.Delta);
            BitrixLog.QueryLimitExceeded(logger, memberId, method, pause.TotalMilliseconds);
        }
        else if ((int)response.StatusCode >= 500)
        {
            circuits.Faulted(memberId);
        }

        return response;
    }

    private void Attempted(HttpRequestMessage request, string memberId, string method, string outcome, bool notExecuted)
    {
        BitrixRequest.Attempted(request, outcome, notExecuted);
        metrics.Request(memberId, method, outcome);
    }

    /// <summary>The <c>error</c> of an error answer when it looks like a code (a bounded label), else null.</summary>
    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            // Buffered, so the client reads the same body after the pipeline.
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            return json.RootElement.ValueKind == JsonValueKind.Object &&
                json.RootElement.TryGetProperty("error", out var error) &&
                error.ValueKind == JsonValueKind.String &&
                ErrorCode().IsMatch(error.GetString()!)
                ? error.GetString()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex ErrorCode();
}
