using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Persistence.Sqlite;

/// <summary>The embedded database: one file, one process, connections opened with the settings every connection needs.</summary>
internal sealed class SqliteDatabase : ISqlDatabase
{
    private const int SqliteTooBig = 18;
    private const int SqliteConstraint = 19;
    private const int SqliteMismatch = 20;

    private static readonly object Prepared = new();

    /// <summary>The pooled SQLite connections whose settings are made (<see cref="OpenAsync"/>), forgotten with them.</summary>
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _prepared = [];

    public SqliteDatabase(IConfiguration configuration, IOptions<StorageOptions> options, IHostEnvironment host)
    {
        var configured = configuration.GetConnectionString("Sync");
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(configured) ? $"Data Source={Path.Combine(options.Value.DataDirectory, "sync.db")}" : configured)
        {
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30,
        };
        // A relative Data Source is the content root's, as every relative path of the service.
        DatabasePath = Path.GetFullPath(builder.DataSource, host.ContentRootPath);
        builder.DataSource = DatabasePath;
        ConnectionString = builder.ToString();
    }

    public string ConnectionString { get; }

    public string DatabasePath { get; }

    public bool SharedByReplicas => false;

    public string ByteOrder => "";

    public string RowLock => "";

    public string SharedRowLock => "";

    public string SkipLocked => "";

    public string AnyOf(string column, string parameter) => $"{column} IN @{parameter}";

    public async Task<T> RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new StorageUnavailableException($"the SQLite database failed (error {ex.SqliteErrorCode})", ex, Refusal(ex));
        }
    }

    /// <summary>A constraint (a trigger's RAISE too), a value too big, a type mismatch: about the rows, not the database.</summary>
    private static StorageRefusal? Refusal(SqliteException ex) => ex.SqliteErrorCode switch
    {
        SqliteConstraint or SqliteTooBig or SqliteMismatch => new StorageRefusal($"SQLite {ex.SqliteErrorCode}", ex.Message),
        _ => null,
    };

    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public async Task<int> ExecuteEachAsync(DbConnection connection, DbTransaction transaction, string sql, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        // In process, one prepared statement run per row costs no round trips.
        await using var command = (SqliteCommand)connection.CreateCommand();
        command.Transaction = (SqliteTransaction)transaction;
        command.CommandText = sql;
        var changed = 0;
        foreach (var row in rows)
        {
            if (command.Parameters.Count == 0)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    command.Parameters.Add(new SqliteParameter($"${i + 1}", DBNull.Value));
                }
            }

            for (var i = 0; i < row.Length; i++)
            {
                command.Parameters[i].Value = row[i] ?? DBNull.Value;
            }

            changed += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return changed;
    }

    public object TimeValue(DateTimeOffset value) => SqliteTime.Format(value);

    public DateTimeOffset? ReadTime(object? value) => value is string text ? SqliteTime.Parse(text) : null;

    public string JsonParameter(string parameter) => parameter;

    // SQLite reads no escapes in a literal: a quote is doubled, and that is all. A NUL would end the statement.
    public string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal).Replace('\0', '\uFFFD') + "'";

    // A JSON path names a key between double quotes and has no escape for one: such keys are looked up by json_each.
    public string JsonText(string column, string key) => PathSafe(key)
        ? $"CAST(json_extract({column}, {Literal(KeyPath(key))}) AS TEXT)"
        : $"(SELECT CAST(value AS TEXT) FROM json_each({column}) WHERE key = {Literal(key)})";

    public string JsonValue(string column, string key) => PathSafe(key)
        ? $"({column} -> {Literal(KeyPath(key))})"
        : $"(SELECT CASE type WHEN 'text' THEN json_quote(value) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' ELSE CAST(value AS TEXT) END FROM json_each({column}) WHERE key = {Literal(key)})";

    // json_valid, GLOB, date() and strftime() never fail. date() rolls a day past the month's end over into the next
    // month (2024-02-30 is 2024-03-01), so a date is taken only when date() gives it back unchanged.
    public string TryConvert(string text, SqlScalar type) => type switch
    {
        // Up to 18 digits, as on PostgreSQL: a longer integer would be cut to the largest one SQLite has.
        SqlScalar.Integer => $"(CASE WHEN json_valid({text}) THEN CASE WHEN json_type({text}) = 'integer' AND length(ltrim(trim({text}), '-')) <= 18 THEN CAST({text} AS INTEGER) END END)",
        SqlScalar.Numeric => $"(CASE WHEN json_valid({text}) THEN CASE WHEN json_type({text}) IN ('integer', 'real') THEN CAST({text} AS NUMERIC) END END)",
        SqlScalar.Date => $"(CASE WHEN {IsDate(text)} THEN substr({text}, 1, 10) END)",
        _ => $"(CASE WHEN {IsDate(text)} AND {text} GLOB '??????????[T ][0-9][0-9]:[0-9][0-9]*' AND ({text} GLOB '*[+-][0-9][0-9]:[0-9][0-9]' OR {text} GLOB '*Z') " +
            $"THEN strftime('%Y-%m-%dT%H:%M:%SZ', {text}) END)",
    };

    public string? ColumnComment(string view, string column, string comment) => null;

    private static string IsDate(string text) =>
        $"{text} GLOB '[1-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' AND date(substr({text}, 1, 10)) IS substr({text}, 1, 10)";

    private static bool PathSafe(string key) => !key.Any(c => c is '"' or '\\' || char.IsControl(c));

    private static string KeyPath(string key) => "$.\"" + key + "\"";

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // busy_timeout lets a writer wait for another instead of failing; FULL makes a commit survive power loss,
        // which "nothing is lost" needs once a clear depends on it. Both belong to the SQLite connection and stay with
        // it in the pool: set once when it is made, not on each of the many opens of a turn.
        if (!_prepared.TryGetValue(connection.Handle!, out _))
        {
            await connection.ExecuteAsync("PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;").ConfigureAwait(false);
            _prepared.AddOrUpdate(connection.Handle!, Prepared);
        }

        return connection;
    }
}
