using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sync;

namespace Bitrix24OfflineSync.Webhooks;

internal static class WebhooksExtensions
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<PortalDirectory>();
        services.AddSingleton<DrainSignals>();
        services.AddSingleton<ApplicationTokenCheck>();
        services.AddSingleton<SignalWriter>();
        services.AddSingleton<InstallHandler>();
        services.AddSingleton<UninstallHandler>();
        services.AddSingleton<DoorbellHandler>();
        return services;
    }
}
