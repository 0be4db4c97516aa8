using Npgsql;

namespace Bitrix24OfflineSync.Persistence.Postgres;

/// <summary>
/// The shared database of several replicas: one pooled <see cref="NpgsqlDataSource"/> built from
/// <c>ConnectionStrings:Sync</c>, checked when the service starts.
/// </summary>
internal sealed class PostgresConnections : ISqlDatabase, IAsyncDisposable, IDisposable
{
    public const string ConnectionStringKey = "ConnectionStrings:Sync";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresConnections(IConfiguration configuration)
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

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _dataSource.OpenConnectionAsync(cancellationToken);

    async Task<System.Data.Common.DbConnection> ISqlDatabase.OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    string ISqlDatabase.ByteOrder => " COLLATE \"C\"";

    string ISqlDatabase.RowLock => " FOR UPDATE";

    object ISqlDatabase.TimeValue(DateTimeOffset value) => PostgresTime.Write(value);

    DateTimeOffset? ISqlDatabase.ReadTime(object? value) => value is DateTime time ? PostgresTime.Read(time) : null;

    async Task<System.Data.Common.DbTransaction> ISqlDatabase.BeginPortalLockAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    // A host disposed synchronously (not the service's own path) must still be able to release the pool.
    public void Dispose() => _dataSource.Dispose();
}
