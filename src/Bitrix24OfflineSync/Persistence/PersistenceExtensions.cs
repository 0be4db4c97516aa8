using Bitrix24OfflineSync.Hosting;
using Bitrix24OfflineSync.Persistence.Sqlite;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sync.Journal;

namespace Bitrix24OfflineSync.Persistence;

internal static class PersistenceExtensions
{
    public static IServiceCollection AddPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section));
        services.AddSingleton<EncryptionKeyProvider>();
        services.AddSingleton<TokenProtector>();
        services.AddSingleton<ApplicationTokenHasher>();
        if (options.Provider != StorageProvider.Sqlite)
        {
            throw new InvalidOperationException($"Storage:Provider {options.Provider} is not available in this version; use Sqlite.");
        }

        services.AddSingleton<SqliteConnectionFactory>();
        services.AddHostedService<SqliteMigrator>();
        services.AddSingleton<IPortalRegistry, SqlitePortalRegistry>();
        services.AddSingleton<IDrainJournal, SqliteDrainJournal>();
        services.AddSingleton<IMirrorStore, SqliteMirrorStore>();
        services.AddHealthChecks().AddCheck<SqliteHealthCheck>("store", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }
}
