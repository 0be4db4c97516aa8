using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Hosting;

/// <summary>
/// The <c>Server</c> configuration section: Kestrel's limits for an endpoint the internet can reach, tighter than its
/// defaults (no connection cap, 30 s for headers, 240 bytes/s for a body). Bitrix24 sends a request of a few hundred
/// bytes in one piece, so a client that holds a connection with a trickle of headers or body is not Bitrix24.
/// </summary>
internal sealed class ServerLimitsOptions
{
    public const string Section = "Server";

    /// <summary>Connections open at once, on every address the service listens on; one more is closed at once.</summary>
    [Range(1, 1_000_000)]
    public long MaxConnections { get; set; } = 10_000;

    /// <summary>How long a client has to send a request's headers.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The slowest a request body may arrive once <see cref="MinRequestBodyGracePeriod"/> has passed, bytes a second.</summary>
    [Range(1, 100_000_000)]
    public double MinRequestBodyBytesPerSecond { get; set; } = 1024;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan MinRequestBodyGracePeriod { get; set; } = TimeSpan.FromSeconds(5);
}

internal static class ServerLimits
{
    public static IServiceCollection AddServerLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ServerLimitsOptions>().Bind(configuration.GetSection(ServerLimitsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerLimitsOptions>>((kestrel, options) =>
        {
            var limits = options.Value;
            kestrel.Limits.MaxConcurrentConnections = limits.MaxConnections;
            kestrel.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyBytesPerSecond, limits.MinRequestBodyGracePeriod);
        });
        return services;
    }
}
