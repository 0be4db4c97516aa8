using System.Net.Http.Headers;
using Bitrix24OfflineSync.Telemetry;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>
/// POSTs one signed message to the configured URL until a 2xx answers, the receiver refuses the message, or the
/// attempts run out (the pipeline of <see cref="AddDeliveryPipeline"/>: retries with jittered backoff, a timeout per
/// attempt, each attempt signed afresh by <see cref="WebhookAttemptHandler"/>). What an answer means is
/// <see cref="WebhookAnswers"/>. A redirect is a failure (the handler never follows one): a signed body goes only where
/// the operator pointed it.
/// </summary>
internal sealed class WebhookSender(HttpClient http, IOptions<SinkOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
{
    public const string HttpClientName = "HttpSink";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    /// <summary>Null once the message is stored; a refusal when the receiver refuses what it holds; throws <see cref="SinkUnavailableException"/> when the receiver is unwell.</summary>
    public async Task<RefusalSearch.Refused?> SendAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Value.Url) { Content = new ByteArrayContent(message.Body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add("webhook-id", message.Id);
        WebhookAttemptHandler.Describe(request, message);
        ServiceTelemetry.Untraced(request);
        string failure;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                HttpSinkLog.MessageDelivered(logger, message.Id, message.Type, message.MemberId, status, WebhookAttemptHandler.Attempt(request));
                return null;
            }

            HttpSinkLog.AttemptRefused(logger, message.Id, message.Type, message.MemberId, status, WebhookAttemptHandler.Attempt(request), willRetry: false);
            if (WebhookAnswers.IsRefusal(status))
            {
                return new RefusalSearch.Refused($"HTTP {status}", await WebhookAnswers.ReadStartAsync(response, options.Value.Timeout, time, cancellationToken).ConfigureAwait(false));
            }

            failure = $"HTTP {status}";
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or HttpRequestException)
        {
            failure = ErrorKind(ex);
            HttpSinkLog.AttemptFailed(logger, message.Id, message.Type, message.MemberId, failure, WebhookAttemptHandler.Attempt(request), willRetry: false);
        }

        var attempts = WebhookAttemptHandler.Attempt(request);
        HttpSinkLog.GaveUp(logger, message.Id, message.Type, message.MemberId, attempts);
        throw new SinkUnavailableException($"The HTTP sink did not accept message {message.Id} after {attempts} attempts: {failure}.");
    }

    /// <summary>The retry (attempts from <c>Sink:MaxAttempts</c>) around the attempt timeout (<c>Sink:Timeout</c>) around the signer.</summary>
    public static IHttpClientBuilder AddDeliveryPipeline(IHttpClientBuilder client)
    {
        client.Services.AddTransient<WebhookAttemptHandler>();
        client.AddResilienceHandler("delivery", (pipeline, context) =>
        {
            var settings = context.ServiceProvider.GetRequiredService<IOptions<SinkOptions>>().Value;
            var logger = context.ServiceProvider.GetRequiredService<ILogger<WebhookSender>>();
            // Polly counts retries, the setting counts attempts; one attempt means no retry at all.
            if (settings.MaxAttempts > 1)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = settings.MaxAttempts - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = settings.RetryBaseDelay,
                    MaxDelay = settings.RetryMaxDelay,
                    ShouldRetryAfterHeader = false,
                    // Every answer but a 2xx or a refusal of the content is a failed delivery (a redirect too); the
                    // caller's cancellation never is.
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                    {
                        { Exception: TimeoutRejectedException or HttpRequestException } => true,
                        { Result: { IsSuccessStatusCode: false } answer } => !WebhookAnswers.IsRefusal((int)answer.StatusCode),
                        _ => false,
                    }),
                    OnRetry = args =>
                    {
                        var request = args.Context.GetRequestMessage();
                        if (WebhookAttemptHandler.Message(request) is { } message)
                        {
                            var attempt = WebhookAttemptHandler.Attempt(request);
                            if (args.Outcome.Result is { } refused)
                            {
                                HttpSinkLog.AttemptRefused(logger, message.Id, message.Type, message.MemberId, (int)refused.StatusCode, attempt, willRetry: true);
                            }
                            else
                            {
                                HttpSinkLog.AttemptFailed(logger, message.Id, message.Type, message.MemberId, ErrorKind(args.Outcome.Exception), attempt, willRetry: true);
                            }
                        }

                        return ValueTask.CompletedTask;
                    },
                });
            }

            pipeline.AddTimeout(settings.Timeout);
        });
        client.AddHttpMessageHandler<WebhookAttemptHandler>();
        return client;
    }

    /// <summary>The error kind only: an exception's message may name the URL.</summary>
    private static string ErrorKind(Exception? error) => error switch
    {
        TimeoutRejectedException => "Timeout",
        HttpRequestException http => http.HttpRequestError.ToString(),
        _ => error?.GetType().Name ?? "unknown",
    };
}
