using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>
/// POSTs one signed message to the configured URL until a 2xx answers or the attempts run out. Each attempt is
/// signed afresh with the current time; the id stays. A redirect is a failure (the handler never follows one):
/// a signed body goes only where the operator pointed it.
/// </summary>
internal sealed class WebhookSender(
    HttpClient http,
    HttpSinkResilience resilience,
    IOptions<SinkOptions> options,
    TimeProvider time,
    ILogger<WebhookSender> logger)
{
    public const string HttpClientName = "HttpSink";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public async Task SendAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var signer = new WebhookSigner(WebhookSecret.TryDecode(settings.Secret, out _)
            ?? throw new InvalidOperationException("Sink:Secret is not a valid whsec_ secret."));
        var attempt = 0;
        try
        {
            await resilience.Pipeline.ExecuteAsync(
                async token => await AttemptAsync(message, signer, settings, ++attempt, token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (DeliveryAttemptException failure)
        {
            HttpSinkLog.GaveUp(logger, message.Id, message.Type, message.MemberId, attempt);
            throw new SinkUnavailableException($"The HTTP sink did not accept message {message.Id} after {attempt} attempts: {failure.Failure}.", failure);
        }
    }

    private async ValueTask AttemptAsync(WebhookMessage message, WebhookSigner signer, SinkOptions settings, int attempt, CancellationToken cancellationToken)
    {
        var willRetry = attempt < settings.MaxAttempts;
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = new ByteArrayContent(message.Body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add("webhook-id", message.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signer.Sign(message.Id, timestamp, message.Body));

        using var timeout = new CancellationTokenSource(settings.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 200 and <= 299)
            {
                HttpSinkLog.MessageDelivered(logger, message.Id, message.Type, message.MemberId, status, attempt);
                return;
            }

            HttpSinkLog.AttemptRefused(logger, message.Id, message.Type, message.MemberId, status, attempt, willRetry);
            throw new DeliveryAttemptException($"HTTP {status}", status);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            HttpSinkLog.AttemptFailed(logger, message.Id, message.Type, message.MemberId, "Timeout", attempt, willRetry);
            throw new DeliveryAttemptException("timeout", null);
        }
        catch (HttpRequestException error)
        {
            // The error kind only: the exception's message may name the URL.
            var kind = error.HttpRequestError.ToString();
            HttpSinkLog.AttemptFailed(logger, message.Id, message.Type, message.MemberId, kind, attempt, willRetry);
            throw new DeliveryAttemptException(kind, null, error);
        }
    }
}
