using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bitrix24OfflineSync.Sync;

/// <summary>Ready only while the drain worker's loop runs; the answer carries when it last made progress.</summary>
internal sealed class DrainWorkerHealthCheck(IEnumerable<IHostedService> services, DrainHeartbeat heartbeat) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["lastProgress"] = heartbeat.LastProgress.ToString("O", System.Globalization.CultureInfo.InvariantCulture) };
        var worker = services.OfType<DrainWorker>().SingleOrDefault();
        return Task.FromResult(worker?.ExecuteTask switch
        {
            null => HealthCheckResult.Unhealthy("The drain worker has not started.", data: data),
            { IsCompleted: true } task => HealthCheckResult.Unhealthy("The drain worker has stopped.", task.Exception, data),
            _ => HealthCheckResult.Healthy("The drain worker runs.", data),
        });
    }
}
