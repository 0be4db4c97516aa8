namespace Bitrix24OfflineSync.Persistence;

/// <summary>Storage events, ids 1100–1199.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(1101, LogLevel.Warning, "Generated a new token encryption key at {KeyPath}; back it up with the database, or set Storage__EncryptionKey")]
    public static partial void EncryptionKeyGenerated(ILogger logger, string keyPath);

    [LoggerMessage(1102, LogLevel.Information, "Database schema at {Provider} migrated from version {FromVersion} to {ToVersion}")]
    public static partial void SchemaMigrated(ILogger logger, string provider, int fromVersion, int toVersion);

    [LoggerMessage(1103, LogLevel.Information, "Using the embedded SQLite database at {DatabasePath}")]
    public static partial void UsingSqlite(ILogger logger, string databasePath);
}
