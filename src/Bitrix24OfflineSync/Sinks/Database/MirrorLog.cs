namespace Bitrix24OfflineSync.Sinks.Database;

/// <summary>The database mirror, ids 1520–1529.</summary>
internal static partial class MirrorLog
{
    [LoggerMessage(1520, LogLevel.Information, "The mirror's views were replaced: {ViewCount} views, {ColumnCount} field columns")]
    public static partial void ViewsReplaced(ILogger logger, int viewCount, int columnCount);

    [LoggerMessage(1521, LogLevel.Warning, "The mirror's views could not be replaced ({Reason}); the views in place stay, and the next read of a portal's fields tries again")]
    public static partial void ViewsNotReplaced(ILogger logger, Exception exception, string reason);
}
