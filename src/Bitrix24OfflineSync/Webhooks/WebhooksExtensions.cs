namespace Bitrix24OfflineSync.Webhooks;

internal static class WebhooksExtensions
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InstallOptions>().Bind(configuration.GetSection(InstallOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<InstallLimits>();
        services.AddSingleton<InstallVerifier>();
        services.AddSingleton<InstallRefusalLog>();
        services.AddSingleton<ApplicationTokenCheck>();
        services.AddSingleton<InstallHandler>();
        services.AddSingleton<UninstallHandler>();
        services.AddSingleton<DoorbellHandler>();
        services.AddSingleton<WebhooksMetrics>();
        return services;
    }
}
