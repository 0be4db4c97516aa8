using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bitrix24OfflineSync.Persistence.Sqlite;

/// <summary>Ready only when the database answers.</summary>
internal sealed class SqliteHealthCheck(SqliteDatabase connections) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM schema_migrations;", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            return HealthCheckResult.Unhealthy("The SQLite database is not reachable.", ex);
        }
    }
}
