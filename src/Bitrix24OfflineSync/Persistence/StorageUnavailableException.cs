namespace Bitrix24OfflineSync.Persistence;

/// <summary>
/// The database could not do what was asked: unreachable, locked, full, or it refused the statement. The same on
/// SQLite and PostgreSQL; the provider's exception is the inner one, and the message names no connection string.
/// </summary>
internal sealed class StorageUnavailableException(string reason, Exception inner) : Exception(reason, inner)
{
    public string Reason { get; } = reason;
}
