using System.Data.Common;

namespace Bitrix24OfflineSync.Persistence;

/// <summary>
/// What a store written once for both providers needs of its database: a connection, times as the provider keeps
/// them, byte-order sorting, and the portal's lock for a token refresh.
/// </summary>
internal interface ISqlDatabase
{
    /// <summary>Appended to an <c>ORDER BY</c> column to sort by bytes, as SQLite does by default.</summary>
    string ByteOrder { get; }

    /// <summary>Appended to the <c>SELECT</c> of a portal's row inside <see cref="BeginPortalLockAsync"/>.</summary>
    string RowLock { get; }

    Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A transaction that serialises token refreshes of a portal across everything sharing the database: with
    /// <see cref="RowLock"/> on the row's read on PostgreSQL, the database's write lock (BEGIN IMMEDIATE) on SQLite.
    /// </summary>
    Task<DbTransaction> BeginPortalLockAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The parameter value a time is written as (text on SQLite, a microsecond timestamptz on PostgreSQL).</summary>
    object TimeValue(DateTimeOffset value);

    /// <summary>A time column's value as read back, or null for NULL.</summary>
    DateTimeOffset? ReadTime(object? value);
}
