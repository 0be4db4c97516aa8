using System.Data.Common;
using Npgsql;

namespace Bitrix24OfflineSync.Persistence.Postgres;

/// <summary>
/// The shared database of several replicas: one pooled <see cref="NpgsqlDataSource"/> built from
/// <c>ConnectionStrings:Sync</c>, checked when the service starts.
/// </summary>
internal sealed class PostgresDatabase : ISqlDatabase, IAsyncDisposable, IDisposable
{
    public const string ConnectionStringKey = "ConnectionStrings:Sync";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString("Sync");
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(
                $"{ConnectionStringKey} must be set to a PostgreSQL connection string (e.g. Host=db;Database=b24sync;Username=sync;Password=...) when Storage:Provider is Postgres.");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(configured);
        }
        catch (ArgumentException)
        {
            // Neither the parser's message nor the exception goes along: either can echo part of the value, and the
            // value may carry a password.
            throw new InvalidOperationException($"{ConnectionStringKey} is not a valid PostgreSQL connection string (an unknown keyword or a malformed value).");
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new InvalidOperationException($"{ConnectionStringKey} names no Host.");
        }

        Host = builder.Host;
        Port = builder.Port;
        Database = builder.Database ?? builder.Username ?? "postgres";
        // The service keeps no state in a session (its settings and locks live in transactions): a connection going back
        // to the pool needs no DISCARD ALL, a round trip and a transaction of the server's on each of a turn's many opens.
        builder.NoResetOnClose = true;
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public string Host { get; }

    public int Port { get; }

    public string Database { get; }

    public bool SharedByReplicas => true;

    public string ByteOrder => " COLLATE \"C\"";

    public string RowLock => " FOR UPDATE";

    public string SharedRowLock => " FOR SHARE";

    public string SkipLocked => " FOR UPDATE SKIP LOCKED";

    public string AnyOf(string column, string parameter) => $"{column} = ANY(@{parameter})";

    private const string DatePattern = "[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";

    /// <summary>Whether the day of a text that matches <see cref="DatePattern"/> exists in its month.</summary>
    private static string DayExists(string text) =>
        $"CAST(substr({text}, 9, 2) AS integer) <= extract(day FROM CAST(substr({text}, 1, 7) || '-01' AS date) + interval '1 month' - interval '1 day')";

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _dataSource.OpenConnectionAsync(cancellationToken);

    public async Task<T> RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            var state = ex is PostgresException postgres ? postgres.SqlState : "no answer";
            throw new StorageUnavailableException($"the PostgreSQL database failed ({state})", ex, Refusal(ex));
        }
    }

    /// <summary>
    /// Classes 22 (a value it cannot hold, such as a NUL in text) and 23 (a constraint): about the rows, not the
    /// database. The message text only: its detail may quote a whole row.
    /// </summary>
    private static StorageRefusal? Refusal(NpgsqlException ex) =>
        ex is PostgresException { SqlState: ['2', '2' or '3', ..] } postgres ? new StorageRefusal($"SQLSTATE {postgres.SqlState}", postgres.MessageText) : null;

    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

    public async Task<int> ExecuteEachAsync(DbConnection connection, DbTransaction transaction, string sql, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        // One round trip for every row.
        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        foreach (var row in rows)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var value in row)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            batch.BatchCommands.Add(command);
        }

        return batch.BatchCommands.Count == 0 ? 0 : await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public object TimeValue(DateTimeOffset value) => PostgresTime.Write(value);

    public DateTimeOffset? ReadTime(object? value) => value is DateTime time ? PostgresTime.Read(time) : null;

    public string JsonParameter(string parameter) => $"CAST({parameter} AS jsonb)";

    // An escape string reads the same whether standard_conforming_strings is on or off. Text cannot hold a NUL.
    public string Literal(string text) =>
        "E'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal).Replace('\0', '\uFFFD') + "'";

    public string JsonText(string column, string key) => $"({column} ->> {Literal(key)})";

    public string JsonValue(string column, string key) => $"({column} -> {Literal(key)})";

    // A cast that fails fails the whole query, so each is guarded by a pattern that only castable text matches: the
    // day of a date is checked against its month too (the pattern lets 2024-02-30 through, the cast would not).
    public string TryConvert(string text, SqlScalar type) => type switch
    {
        SqlScalar.Integer => $"(CASE WHEN {text} ~ '^[[:space:]]*-?[0-9]{{1,18}}[[:space:]]*$' THEN CAST({text} AS bigint) END)",
        SqlScalar.Numeric => $"(CASE WHEN {text} ~ '^[[:space:]]*-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]{{1,4}})?[[:space:]]*$' THEN CAST({text} AS numeric) END)",
        SqlScalar.Date => $"(CASE WHEN {text} ~ '^{DatePattern}' THEN CASE WHEN {DayExists(text)} THEN CAST(substr({text}, 1, 10) AS date) END END)",
        _ => $"(CASE WHEN {text} ~ '^{DatePattern}[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{{1,6}})?)?(Z|[-+](0[0-9]|1[0-5]):[0-5][0-9])$' " +
            $"THEN CASE WHEN {DayExists(text)} THEN CAST({text} AS timestamptz) END END)",
    };

    public string? ColumnComment(string view, string column, string comment) => $"COMMENT ON COLUMN {view}.{column} IS {Literal(comment)};";

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    // A host disposed synchronously (not the service's own path) must still be able to release the pool.
    public void Dispose() => _dataSource.Dispose();
}
