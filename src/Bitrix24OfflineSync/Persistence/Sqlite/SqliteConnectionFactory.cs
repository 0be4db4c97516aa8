using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Persistence.Sqlite;

/// <summary>Opens connections to the embedded database with the settings every connection needs.</summary>
internal sealed class SqliteConnectionFactory : ISqlDatabase
{
    public SqliteConnectionFactory(IConfiguration configuration, IOptions<StorageOptions> options)
    {
        var configured = configuration.GetConnectionString("Sync");
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(configured) ? $"Data Source={Path.Combine(options.Value.DataDirectory, "sync.db")}" : configured)
        {
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30,
        };
        DatabasePath = Path.GetFullPath(builder.DataSource);
        builder.DataSource = DatabasePath;
        ConnectionString = builder.ToString();
    }

    public string ConnectionString { get; }

    public string DatabasePath { get; }

    async Task<System.Data.Common.DbConnection> ISqlDatabase.OpenConnectionAsync(CancellationToken cancellationToken) =>
        await OpenAsync(cancellationToken).ConfigureAwait(false);

    string ISqlDatabase.ByteOrder => "";

    string ISqlDatabase.RowLock => "";

    object ISqlDatabase.TimeValue(DateTimeOffset value) => SqliteTime.Format(value);

    DateTimeOffset? ISqlDatabase.ReadTime(object? value) => value is string text ? SqliteTime.Parse(text) : null;

    Task<System.Data.Common.DbTransaction> ISqlDatabase.BeginPortalLockAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<System.Data.Common.DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = connection.CreateCommand();
        // busy_timeout lets a writer wait for another instead of failing; FULL makes a commit survive power loss,
        // which "nothing is lost" needs once a clear depends on it.
        pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
