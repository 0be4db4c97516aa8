namespace Bitrix24OfflineSync.Sinks;

/// <summary>Every sink's commits, ids 1550–1599. Keys and statuses only: never an answer, which may quote the object.</summary>
internal static partial class SinkLog
{
    [LoggerMessage(1550, LogLevel.Warning, "The {Sink} sink refused {Entity} {EntityId} of portal {MemberId} ({Status}); the rest of its batch was committed")]
    public static partial void Refused(ILogger logger, string sink, string entity, string entityId, string memberId, string status);
}
