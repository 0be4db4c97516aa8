namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>The HTTP sink, ids 1500–1549. Ids, counts and status codes only: never the secret, a signature or the sink URL.</summary>
internal static partial class HttpSinkLog
{
    [LoggerMessage(1501, LogLevel.Debug, "Batch {BatchId} of portal {MemberId} delivered: {ChangeCount} changes in {ChunkCount} messages, {RefusedCount} refused")]
    public static partial void BatchDelivered(ILogger logger, string memberId, string batchId, int changeCount, int chunkCount, int refusedCount);

    [LoggerMessage(1507, LogLevel.Debug, "Batch {BatchId} of portal {MemberId}: {RepeatCount} changes brought the state delivered last for their object and were not sent again")]
    public static partial void RepeatsLeftOut(ILogger logger, string memberId, string batchId, int repeatCount);

    [LoggerMessage(1502, LogLevel.Debug, "Message {WebhookId} ({MessageType}) of portal {MemberId} accepted with {StatusCode} at attempt {Attempt}")]
    public static partial void MessageDelivered(ILogger logger, string webhookId, string messageType, string memberId, int statusCode, int attempt);

    [LoggerMessage(1503, LogLevel.Warning, "Message {WebhookId} ({MessageType}) of portal {MemberId} refused with {StatusCode} at attempt {Attempt}; retrying: {WillRetry}")]
    public static partial void AttemptRefused(ILogger logger, string webhookId, string messageType, string memberId, int statusCode, int attempt, bool willRetry);

    [LoggerMessage(1504, LogLevel.Warning, "Message {WebhookId} ({MessageType}) of portal {MemberId} failed ({ErrorKind}) at attempt {Attempt}; retrying: {WillRetry}")]
    public static partial void AttemptFailed(ILogger logger, string webhookId, string messageType, string memberId, string errorKind, int attempt, bool willRetry);

    [LoggerMessage(1505, LogLevel.Warning, "Message {WebhookId} ({MessageType}) of portal {MemberId} not delivered after {Attempts} attempts; it stays pending for a later round")]
    public static partial void GaveUp(ILogger logger, string webhookId, string messageType, string memberId, int attempts);

    [LoggerMessage(1506, LogLevel.Information, "Portal {MemberId} forget message {WebhookId} delivered")]
    public static partial void PortalForgotten(ILogger logger, string memberId, string webhookId);
}
