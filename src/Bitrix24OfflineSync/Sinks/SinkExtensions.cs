using Bitrix24OfflineSync.Sinks.Database;

namespace Bitrix24OfflineSync.Sinks;

internal static class SinkExtensions
{
    public static IServiceCollection AddSinks(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(SinkOptions.Section).Get<SinkOptions>() ?? new SinkOptions();
        services.AddOptions<SinkOptions>().Bind(configuration.GetSection(SinkOptions.Section));
        if (options.Type == SinkType.Database)
        {
            services.AddSingleton<ISyncSink, DatabaseMirrorSink>();
        }
        else
        {
            throw new InvalidOperationException("Sink:Type Http needs the HTTP forwarder, which is not in this build.");
        }

        return services;
    }
}
