using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Bitrix24OfflineSync.Persistence.Postgres;

/// <summary>Ready only when the shared database answers.</summary>
internal sealed class PostgresHealthCheck(PostgresDatabase connections) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM schema_migrations;", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy("The PostgreSQL database is not reachable.", ex);
        }
    }
}
