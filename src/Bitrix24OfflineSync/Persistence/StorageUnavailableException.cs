namespace Bitrix24OfflineSync.Persistence;

/// <summary>
/// The database could not do what was asked: unreachable, locked, full, or it refused the statement. The same on
/// SQLite and PostgreSQL; the provider's exception is the inner one, and the message names no connection string.
/// </summary>
internal sealed class StorageUnavailableException(string reason, Exception inner, StorageRefusal? refusal = null) : Exception(reason, inner)
{
    public string Reason { get; } = reason;

    /// <summary>
    /// Set when the database answered and refused what was written (a constraint, a value it cannot hold): a refusal
    /// about the rows, which writing other rows would not meet. Null for an outage.
    /// </summary>
    public StorageRefusal? Refusal { get; } = refusal;
}

/// <summary>
/// The database's refusal of a statement's rows: its code (<c>SQLSTATE 23514</c>, <c>SQLite 19</c>) and its own message,
/// which may quote what was written and so is kept, never logged.
/// </summary>
internal sealed record StorageRefusal(string Code, string Message);
