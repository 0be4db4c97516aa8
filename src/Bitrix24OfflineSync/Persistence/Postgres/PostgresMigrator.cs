using Dapper;

namespace Bitrix24OfflineSync.Persistence.Postgres;

/// <summary>
/// Creates and migrates the shared schema at start, before the endpoints take requests. Replicas starting at once
/// queue on a transaction-scoped advisory lock: the first migrates, the others find the versions applied.
/// </summary>
internal sealed class PostgresMigrator(
    PostgresDatabase connections,
    TimeProvider time,
    ILogger<PostgresMigrator> logger) : ISchemaMigrator
{
    // Any constant works as long as every replica uses the same one; advisory locks are per database.
    private const long MigrationLockKey = 0x6232_3473_796E_6301;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        StorageLog.UsingPostgres(logger, connections.Database, connections.Host, connections.Port);
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var locked = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT pg_try_advisory_xact_lock(@key);", new { key = MigrationLockKey }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (!locked)
        {
            StorageLog.WaitingForMigration(logger, connections.Database);
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_xact_lock(@key);", new { key = MigrationLockKey }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL);",
            transaction: transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var current = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var known = PostgresMigrations.Scripts.Count;
        for (var version = current + 1; version <= known; version++)
        {
            await connection.ExecuteAsync(new CommandDefinition(PostgresMigrations.Scripts[version - 1], transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at);",
                new { version, at = PostgresTime.Write(time.GetUtcNow()) },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        // The commit releases the lock; a replica waiting on it then sees every version applied.
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (current < known)
        {
            StorageLog.SchemaMigrated(logger, "postgres", current, known);
        }
        else if (current > known)
        {
            // A rolling upgrade: a newer replica migrated first. Scripts only add, so the older code keeps working.
            StorageLog.SchemaNewer(logger, connections.Database, current, known);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
