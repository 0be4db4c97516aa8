namespace Bitrix24OfflineSync.Security;

/// <summary>The key that protects tokens at rest, id 1101 (among the storage events, where operators look for it).</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(1101, LogLevel.Warning, "Generated a new token encryption key at {KeyPath}; back it up with the database, or set Storage__EncryptionKey")]
    public static partial void EncryptionKeyGenerated(ILogger logger, string keyPath);
}
