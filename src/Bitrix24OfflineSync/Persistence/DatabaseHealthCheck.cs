using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bitrix24OfflineSync.Persistence;

/// <summary>Ready only when the database answers, whichever provider it is.</summary>
internal sealed class DatabaseHealthCheck(ISqlDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await database.QueryAsync<int>("SELECT COUNT(*) FROM schema_migrations;", null, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (StorageUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy($"The database is not reachable: {ex.Reason}.", ex);
        }
    }
}
