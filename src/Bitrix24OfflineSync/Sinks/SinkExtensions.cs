using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sinks.Http;

namespace Bitrix24OfflineSync.Sinks;

internal static class SinkExtensions
{
    public static IServiceCollection AddSinks(this IServiceCollection services, IConfiguration configuration)
    {
        var type = configuration.GetValue<SinkType>($"{SinkOptions.Section}:{nameof(SinkOptions.Type)}");
        if (type == SinkType.Http)
        {
            return services.AddHttpSink(configuration);
        }

        services.AddOptions<SinkOptions>().Bind(configuration.GetSection(SinkOptions.Section));
        services.AddSingleton<ISyncSink, DatabaseMirrorSink>();
        return services;
    }
}
