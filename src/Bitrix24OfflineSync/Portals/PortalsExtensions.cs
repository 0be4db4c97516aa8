namespace Bitrix24OfflineSync.Portals;

internal static class PortalsExtensions
{
    public static IServiceCollection AddPortals(this IServiceCollection services)
    {
        services.AddSingleton<IPortalRegistry, SqlPortalRegistry>();
        services.AddSingleton<IPortalTokenStore, SqlPortalTokenStore>();
        services.AddSingleton<IPortalSyncState, SqlPortalSyncState>();
        services.AddSingleton<KnownPortals>();
        services.AddSingleton<DirtyPortals>();
        return services;
    }
}
