using System.Data.Common;
using Dapper;

namespace Bitrix24OfflineSync.Persistence;

/// <summary>
/// The database a store written once for both providers runs on, and what differs between SQLite and PostgreSQL:
/// times, booleans, byte-order sorting, row locks, write transactions, running one statement for many rows,
/// whether several replicas share it, and what a view over JSON needs (keys, literals, conversions that never fail,
/// column comments). Work runs through <see cref="RunAsync{T}"/>, where a provider's failure becomes
/// <see cref="StorageUnavailableException"/>. Statements that run for many rows (<see cref="ExecuteEachAsync"/>) name
/// their parameters <c>$1</c>, <c>$2</c>…, which both providers read.
/// </summary>
internal interface ISqlDatabase
{
    /// <summary>True when several replicas may share the database (PostgreSQL): state cached in one process may be stale.</summary>
    bool SharedByReplicas { get; }

    /// <summary>Appended to an <c>ORDER BY</c> column to sort by bytes, as SQLite does by default.</summary>
    string ByteOrder { get; }

    /// <summary>Appended to the <c>SELECT</c> of a row inside <see cref="BeginWriteAsync"/> that must stay locked until the commit.</summary>
    string RowLock { get; }

    /// <summary>Appended to the <c>SELECT</c> of a row that others may read but must not change until the commit.</summary>
    string SharedRowLock { get; }

    /// <summary>
    /// Appended to a sub-<c>SELECT</c> that claims rows for an <c>UPDATE</c>: rows another transaction has locked are
    /// passed over (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL; nothing on SQLite, whose writers take turns).
    /// </summary>
    string SkipLocked { get; }

    /// <summary>
    /// A condition that <paramref name="column"/> is one of the array parameter <paramref name="parameter"/>: <c>IN</c>
    /// with the list expanded on SQLite, <c>= ANY</c> of one array on PostgreSQL. Pass the values as an array.
    /// </summary>
    string AnyOf(string column, string parameter);

    /// <summary>Opens a connection, runs <paramref name="work"/> on it, and turns a provider's failure into <see cref="StorageUnavailableException"/>.</summary>
    Task<T> RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>
    /// A transaction for a write that must not interleave with another: the database's write lock at once on SQLite
    /// (<c>BEGIN IMMEDIATE</c>), an ordinary transaction on PostgreSQL, where rows are locked with <see cref="RowLock"/>.
    /// </summary>
    Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="sql"/> once per row of values (for <c>$1</c>, <c>$2</c>…), in one round trip where the provider can; returns the rows affected.</summary>
    Task<int> ExecuteEachAsync(DbConnection connection, DbTransaction transaction, string sql, IEnumerable<object?[]> rows, CancellationToken cancellationToken);

    /// <summary>The parameter value a time is written as (text on SQLite, a microsecond timestamptz on PostgreSQL).</summary>
    object TimeValue(DateTimeOffset value);

    /// <summary>A time column's value as read back, or null for NULL.</summary>
    DateTimeOffset? ReadTime(object? value);

    /// <summary>How a parameter holding JSON text is written to a JSON column: as it is on SQLite, as <c>jsonb</c> on PostgreSQL.</summary>
    string JsonParameter(string parameter);

    /// <summary>A string literal of <paramref name="text"/> for statements that take no parameters (DDL), whatever the server's settings.</summary>
    string Literal(string text);

    /// <summary>
    /// The value of the top-level key <paramref name="key"/> of the JSON column <paramref name="column"/> as text: NULL
    /// when absent or null, JSON text for an object or an array. Any key works, quotes and dots included.
    /// </summary>
    string JsonText(string column, string key);

    /// <summary>The same value as JSON: <c>jsonb</c> on PostgreSQL, JSON text on SQLite.</summary>
    string JsonValue(string column, string key);

    /// <summary>
    /// The text expression <paramref name="text"/> read as <paramref name="type"/>, or NULL when it is not one: never
    /// an error, whatever the text (a view that converts must answer every query).
    /// </summary>
    string TryConvert(string text, SqlScalar type);

    /// <summary>The statement that gives a view's column a comment; null where the provider keeps none (SQLite).</summary>
    string? ColumnComment(string view, string column, string comment);
}

/// <summary>What <see cref="ISqlDatabase.TryConvert"/> reads a text as.</summary>
internal enum SqlScalar
{
    /// <summary>A whole number: <c>bigint</c>, INTEGER on SQLite.</summary>
    Integer,

    /// <summary>A decimal number: <c>numeric</c>, NUMERIC on SQLite.</summary>
    Numeric,

    /// <summary>The date at the start of an ISO-8601 text: <c>date</c>, <c>YYYY-MM-DD</c> text on SQLite.</summary>
    Date,

    /// <summary>An ISO-8601 time with its offset: <c>timestamptz</c>, UTC <c>YYYY-MM-DDTHH:MM:SSZ</c> text on SQLite.</summary>
    Timestamp,
}

/// <summary>Shorthands over <see cref="ISqlDatabase"/>.</summary>
internal static class SqlDatabaseExtensions
{
    public static Task RunAsync(this ISqlDatabase database, Func<DbConnection, Task> work, CancellationToken cancellationToken) =>
        database.RunAsync(
            async connection =>
            {
                await work(connection).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    /// <summary>One statement with named parameters, on a connection of its own.</summary>
    public static Task<int> ExecuteAsync(this ISqlDatabase database, string sql, object? parameters, CancellationToken cancellationToken) =>
        database.RunAsync(connection => connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)), cancellationToken);

    /// <summary>The rows of one query with named parameters, on a connection of its own.</summary>
    public static Task<IEnumerable<T>> QueryAsync<T>(this ISqlDatabase database, string sql, object? parameters, CancellationToken cancellationToken) =>
        database.RunAsync(connection => connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)), cancellationToken);

    /// <summary>Deletes a portal's rows of <paramref name="table"/> whose <paramref name="column"/> is one of <paramref name="values"/>; nothing for no values.</summary>
    public static Task DeleteAnyOfAsync(this ISqlDatabase database, string table, string memberId, string column, IReadOnlyCollection<string> values, CancellationToken cancellationToken) =>
        values.Count == 0
            ? Task.CompletedTask
            : database.ExecuteAsync(
                $"DELETE FROM {table} WHERE member_id = @memberId AND {database.AnyOf(column, "values")};",
                new { memberId, values = values.ToArray() },
                cancellationToken);

    /// <summary>The first column of the first row of one query, as the provider answers it (null when there is no row).</summary>
    public static Task<object?> ScalarAsync(this ISqlDatabase database, string sql, object? parameters, CancellationToken cancellationToken) =>
        database.RunAsync(connection => connection.ExecuteScalarAsync<object?>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)), cancellationToken);

    /// <summary>
    /// <see cref="ISqlDatabase.ExecuteEachAsync"/> in a write transaction of its own: the rows are all written, or none.
    /// Nothing is done for no rows.
    /// </summary>
    public static Task WriteEachAsync(this ISqlDatabase database, string sql, IReadOnlyCollection<object?[]> rows, CancellationToken cancellationToken) =>
        rows.Count == 0
            ? Task.CompletedTask
            : database.RunAsync(
                async connection =>
                {
                    await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                    await database.ExecuteEachAsync(connection, transaction, sql, rows, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                },
                cancellationToken);

    public static object? TimeValue(this ISqlDatabase database, DateTimeOffset? value) => value is { } v ? database.TimeValue(v) : null;

    /// <summary>A boolean column as read back: an integer on SQLite, a boolean on PostgreSQL.</summary>
    public static bool ReadBool(object? value) => value is not null and not DBNull && Convert.ToBoolean(value, System.Globalization.CultureInfo.InvariantCulture);
}
