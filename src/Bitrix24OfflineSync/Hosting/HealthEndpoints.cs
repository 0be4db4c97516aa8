using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Bitrix24OfflineSync.Hosting;

internal static class HealthEndpoints
{
    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks();
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        // Every registered check decides readiness; liveness runs none.
        endpoints.MapHealthChecks("/health/ready");
        return endpoints;
    }
}
