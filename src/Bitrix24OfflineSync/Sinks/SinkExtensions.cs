using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sinks.Database.Views;
using Bitrix24OfflineSync.Sinks.Fields;
using Bitrix24OfflineSync.Sinks.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bitrix24OfflineSync.Sinks;

internal static class SinkExtensions
{
    /// <summary>The configured sink, unless the host registered its own <see cref="ISyncSink"/> before: that one is kept.</summary>
    public static IServiceCollection AddSinks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SqlMirrorStore>();
        services.AddSingleton<IMirrorStore>(sp => sp.GetRequiredService<SqlMirrorStore>());
        services.AddSingleton<SinkCommits>();
        services.AddSingleton<SqlPortalFieldStore>();
        services.AddSingleton<IPortalFieldStore>(sp => sp.GetRequiredService<SqlPortalFieldStore>());
        services.AddSingleton<IPortalFields>(sp => sp.GetRequiredService<SqlPortalFieldStore>());
        var type = configuration.GetValue<SinkType>($"{SinkOptions.Section}:{nameof(SinkOptions.Type)}");
        if (type == SinkType.Http)
        {
            return services.AddHttpSink(configuration);
        }

        services.AddOptions<SinkOptions>().Bind(configuration.GetSection(SinkOptions.Section)).ValidateOnStart();
        services.TryAddSingleton<ISyncSink, DatabaseMirrorSink>();
        services.AddSingleton<MirrorViews>();
        services.AddHostedService<MirrorViewsAtStart>();
        services.AddSingleton<ISinkIndex>(sp => sp.GetRequiredService<SqlMirrorStore>());
        return services;
    }
}
