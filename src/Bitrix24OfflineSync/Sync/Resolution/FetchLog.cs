namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>Change resolution and state fetching, ids 1400–1449. Member ids, entity names, ids and Bitrix24 error texts only.</summary>
internal static partial class FetchLog
{
    [LoggerMessage(1400, LogLevel.Debug, "Resolved {EventCount} events of portal {MemberId} into {ChangeCount} changes and {FailureCount} failures")]
    public static partial void Resolved(ILogger logger, string memberId, int eventCount, int changeCount, int failureCount);

    [LoggerMessage(1401, LogLevel.Debug, "Fetched {ObjectCount} objects of portal {MemberId} with {RequestCount} requests")]
    public static partial void Fetched(ILogger logger, string memberId, int objectCount, int requestCount);

    [LoggerMessage(1402, LogLevel.Warning, "List {Method} of {Entity} failed for portal {MemberId} ({Error}); fetching its {IdCount} objects one by one")]
    public static partial void ListFailed(ILogger logger, string memberId, string entity, string method, string error, int idCount);

    [LoggerMessage(1403, LogLevel.Warning, "List {Method} of {Entity} for portal {MemberId} did not answer just the requested ids (is its filter ignored?); fetching the missing ones one by one")]
    public static partial void ListIncomplete(ILogger logger, string memberId, string entity, string method);

    [LoggerMessage(1404, LogLevel.Warning, "Object {Entity} {ObjectId} of portal {MemberId} could not be fetched: {Reason}")]
    public static partial void ObjectFailed(ILogger logger, string memberId, string entity, string objectId, string reason);

    [LoggerMessage(1405, LogLevel.Warning, "Event {EventName} ({MessageId}) of portal {MemberId} names no object: {Problem}")]
    public static partial void EventWithoutId(ILogger logger, string memberId, string eventName, string messageId, string problem);

    [LoggerMessage(1407, LogLevel.Debug, "Event {EventName} ({MessageId}) of portal {MemberId} is of a smart-process type not synced (Sync:SmartProcessTypes); cleared without syncing")]
    public static partial void Ignored(ILogger logger, string memberId, string eventName, string messageId);

    [LoggerMessage(1406, LogLevel.Debug, "Event {EventName} ({MessageId}) of portal {MemberId} has no mapping; delivered as an event")]
    public static partial void Unmapped(ILogger logger, string memberId, string eventName, string messageId);
}
