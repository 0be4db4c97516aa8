namespace Bitrix24OfflineSync.Webhooks;

internal static class WebhooksExtensions
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<ApplicationTokenCheck>();
        services.AddSingleton<InstallHandler>();
        services.AddSingleton<UninstallHandler>();
        services.AddSingleton<DoorbellHandler>();
        services.AddSingleton<WebhooksMetrics>();
        return services;
    }
}
