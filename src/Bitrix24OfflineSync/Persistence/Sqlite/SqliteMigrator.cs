using Dapper;

namespace Bitrix24OfflineSync.Persistence.Sqlite;

/// <summary>Creates and migrates the schema at start, before the endpoints take requests.</summary>
internal sealed class SqliteMigrator(
    SqliteDatabase connections,
    TimeProvider time,
    ILogger<SqliteMigrator> logger) : ISchemaMigrator
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(connections.DatabasePath)!);
        StorageLog.UsingSqlite(logger, connections.DatabasePath);
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);").ConfigureAwait(false);

        // BEGIN IMMEDIATE takes the write lock first, so two processes starting at once migrate one after the other.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var current = await connection.ExecuteScalarAsync<int>("SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", transaction: transaction).ConfigureAwait(false);
        for (var version = current + 1; version <= SqliteMigrations.Scripts.Count; version++)
        {
            await connection.ExecuteAsync(SqliteMigrations.Scripts[version - 1], transaction: transaction).ConfigureAwait(false);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at);",
                new { version, at = time.GetUtcNow().ToString("O") },
                transaction).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (current < SqliteMigrations.Scripts.Count)
        {
            StorageLog.SchemaMigrated(logger, "sqlite", current, SqliteMigrations.Scripts.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
