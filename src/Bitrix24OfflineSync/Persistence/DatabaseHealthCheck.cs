using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bitrix24OfflineSync.Persistence;

/// <summary>
/// Ready only when the database answers, whichever provider it is. The answer is kept for <see cref="Fresh"/>: a
/// readiness probe on the public port, however often it is asked, costs at most one query in that time, and
/// probes that arrive while a query is under way share it instead of queueing their own.
/// </summary>
internal sealed class DatabaseHealthCheck(ISqlDatabase database, TimeProvider time) : IHealthCheck
{
    /// <summary>How long an answer stands for the database's state.</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(2);

    private readonly Lock _sync = new();
    private (HealthCheckResult Result, DateTimeOffset At)? _last;
    private Task<HealthCheckResult>? _asking;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            if (_last is { } last && time.GetUtcNow() - last.At < Fresh)
            {
                return Task.FromResult(last.Result);
            }

            if (_asking is not { IsCompleted: false })
            {
                _asking = AskAsync();
            }

            return _asking.WaitAsync(cancellationToken);
        }
    }

    private async Task<HealthCheckResult> AskAsync()
    {
        HealthCheckResult result;
        try
        {
            // Not the caller's token: others wait on this answer too.
            await database.QueryAsync<int>("SELECT COUNT(*) FROM schema_migrations;", null, CancellationToken.None).ConfigureAwait(false);
            result = HealthCheckResult.Healthy();
        }
        catch (StorageUnavailableException ex)
        {
            result = HealthCheckResult.Unhealthy($"The database is not reachable: {ex.Reason}.", ex);
        }

        lock (_sync)
        {
            _last = (result, time.GetUtcNow());
            _asking = null;
        }

        return result;
    }
}
