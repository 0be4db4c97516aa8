using System.Globalization;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>
/// One delivery attempt, inside the retry and the attempt timeout: each attempt is numbered and signed afresh with
/// the current time (a receiver checks the timestamp's age); the message id stays.
/// </summary>
internal sealed class WebhookAttemptHandler(IOptions<SinkOptions> options, TimeProvider time) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<WebhookMessage> MessageKey = new("webhook.message");
    private static readonly HttpRequestOptionsKey<int> AttemptKey = new("webhook.attempt");

    public static void Describe(HttpRequestMessage request, WebhookMessage message)
    {
        request.Options.Set(MessageKey, message);
        request.Options.Set(AttemptKey, 0);
    }

    public static WebhookMessage? Message(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(MessageKey, out var message) ? message : null;

    /// <summary>The number of the attempt last sent, from 1.</summary>
    public static int Attempt(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(AttemptKey, out var attempt) ? attempt : 0;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var message = Message(request) ?? throw new InvalidOperationException("A webhook request must carry its message.");
        request.Options.Set(AttemptKey, Attempt(request) + 1);
        var signer = new WebhookSigner(WebhookSecret.TryDecode(options.Value.Secret, out _)
            ?? throw new InvalidOperationException("Sink:Secret is not a valid whsec_ secret."));
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Remove("webhook-timestamp");
        request.Headers.Remove("webhook-signature");
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signer.Sign(message.Id, timestamp, message.Body));
        return base.SendAsync(request, cancellationToken);
    }
}
