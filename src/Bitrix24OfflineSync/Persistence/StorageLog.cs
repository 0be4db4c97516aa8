namespace Bitrix24OfflineSync.Persistence;

/// <summary>Storage events, ids 1100–1199 (1150–1199: PostgreSQL).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(1102, LogLevel.Information, "Database schema at {Provider} migrated from version {FromVersion} to {ToVersion}")]
    public static partial void SchemaMigrated(ILogger logger, string provider, int fromVersion, int toVersion);

    [LoggerMessage(1103, LogLevel.Information, "Using the embedded SQLite database at {DatabasePath}")]
    public static partial void UsingSqlite(ILogger logger, string databasePath);

    [LoggerMessage(1150, LogLevel.Information, "Using the PostgreSQL database {Database} at {Host}:{Port}")]
    public static partial void UsingPostgres(ILogger logger, string database, string host, int port);

    [LoggerMessage(1151, LogLevel.Information, "Another replica is migrating the schema of {Database}; waiting for it")]
    public static partial void WaitingForMigration(ILogger logger, string database);

    [LoggerMessage(1152, LogLevel.Warning, "The schema of {Database} is at version {Version}, newer than this version knows ({KnownVersion}); running on it")]
    public static partial void SchemaNewer(ILogger logger, string database, int version, int knownVersion);
}
