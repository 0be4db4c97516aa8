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
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public string Host { get; }

    public int Port { get; }

    public string Database { get; }

    public bool SharedByReplicas => true;

    public string ByteOrder => " COLLATE \"C\"";

    public string RowLock => " FOR UPDATE";

    public string SharedRowLock => " FOR SHARE";

    public string AnyOf(string column, string parameter) => $"{column} = ANY(@{parameter})";

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

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    // A host disposed synchronously (not the service's own path) must still be able to release the pool.
    public void Dispose() => _dataSource.Dispose();
}
