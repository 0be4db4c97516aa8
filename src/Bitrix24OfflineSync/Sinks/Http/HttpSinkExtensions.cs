using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sinks.Http;

internal static class HttpSinkExtensions
{
    /// <summary>Makes the HTTP forwarder the <see cref="ISyncSink"/>; its settings are checked at start.</summary>
    public static IServiceCollection AddHttpSink(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SinkOptions>().Bind(configuration.GetSection(SinkOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SinkOptions>, HttpSinkOptionsValidator>());
        var client = services.AddHttpClient<WebhookSender>(WebhookSender.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            // A signed body goes only where the operator pointed it, and the client's request log would print the URL.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .RemoveAllLoggers();
        WebhookSender.AddDeliveryPipeline(client);
        services.AddSingleton<DeliveredIndex>();
        services.AddSingleton<ISinkIndex>(sp => sp.GetRequiredService<DeliveredIndex>());
        services.TryAddTransient<ISyncSink, HttpForwarderSink>();
        return services;
    }
}
