using Bitrix24OfflineSync.Bitrix.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Bitrix;

internal static class BitrixExtensions
{
    public static IServiceCollection AddBitrix24(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Bitrix24Options>().Bind(configuration.GetSection(Bitrix24Options.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<Bitrix24Options>, Bitrix24OptionsValidator>();
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        services.AddHttpClient<OAuthClient>(OAuthClient.HttpClientName, OAuthClient.Configure)
            // A token must never follow a redirect to a host we did not choose.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .ConfigurePrimaryHttpMessageHandler(AddressGuard.Configure)
            .ConfigurePrimaryHttpMessageHandler(OAuthClient.Untraced)
            .RemoveAllLoggers();
        services.AddOptions<Budget.RequestBudgetOptions>().Bind(configuration.GetSection($"{Bitrix24Options.Section}:RequestBudget")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ResilienceOptions>().Bind(configuration.GetSection($"{Bitrix24Options.Section}:Resilience")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Budget.PortalBudgets>();
        services.AddSingleton<Tokens.PortalTokens>();
        services.AddSingleton<AuthConnectorUse>();
        services.AddSingleton<BitrixMetrics>();
        services.AddSingleton<Batch.BitrixBatch>();
        services.AddHttpClient<BitrixClient>(BitrixClient.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(RestHandler)
            .ConfigurePrimaryHttpMessageHandler(AddressGuard.Configure)
            // The handler's own pool replaces connections (PooledConnectionLifetime); the factory's rotation of handlers
            // would drop every portal's kept-alive connections every two minutes and pay their handshakes again.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddBitrixPipeline();
        return services;
    }

    /// <summary>
    /// The REST client's connections: kept open and reused per portal host (each portal is its own host), at most
    /// <see cref="Bitrix24Options.MaxConnectionsPerHost"/> at once, replaced every five minutes so that a portal whose
    /// address changed is reached at its new one (the connect step resolves the name again); HTTP/2, where the portal
    /// offers it, carries the requests of one host on one connection.
    /// </summary>
    private static SocketsHttpHandler RestHandler(IServiceProvider services) => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        MaxConnectionsPerServer = services.GetRequiredService<IOptions<Bitrix24Options>>().Value.MaxConnectionsPerHost,
        EnableMultipleHttp2Connections = true,
    };
}
