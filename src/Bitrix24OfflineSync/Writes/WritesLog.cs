namespace Bitrix24OfflineSync.Writes;

/// <summary>The write-back, ids 1800–1899: one event per final status, and what keeps a write open.</summary>
internal static partial class WritesLog
{
    [LoggerMessage(1801, LogLevel.Information, "Write {WriteKey} of portal {MemberId} applied: {Action} of {Entity} {ObjectId}")]
    public static partial void Applied(ILogger logger, string writeKey, string memberId, string action, string entity, string? objectId);

    [LoggerMessage(1802, LogLevel.Warning, "Write {WriteKey} of portal {MemberId} ended in conflict: {Entity} {ObjectId} was modified at {ModifiedAt}, after {IfUnmodifiedSince}; nothing was changed")]
    public static partial void Conflict(ILogger logger, string writeKey, string memberId, string entity, string? objectId, string modifiedAt, DateTimeOffset? ifUnmodifiedSince);

    [LoggerMessage(1803, LogLevel.Warning, "Write {WriteKey} of portal {MemberId} failed: {Action} of {Entity} {ObjectId}: {ErrorCode} {ErrorMessage}")]
    public static partial void Failed(ILogger logger, string writeKey, string memberId, string action, string entity, string? objectId, string errorCode, string errorMessage);

    [LoggerMessage(1804, LogLevel.Information, "Write {WriteKey} of portal {MemberId}: the create's answer was lost; found {Entity} {ObjectId} by its origin, not created again")]
    public static partial void FoundByOrigin(ILogger logger, string writeKey, string memberId, string entity, string objectId);

    [LoggerMessage(1805, LogLevel.Warning, "Writes of portal {MemberId} wait: {Reason}; they are tried again in a later turn")]
    public static partial void Waiting(ILogger logger, string memberId, string reason);
}
