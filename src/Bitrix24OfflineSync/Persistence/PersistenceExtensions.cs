using Bitrix24OfflineSync.Hosting;
using Bitrix24OfflineSync.Persistence.Postgres;
using Bitrix24OfflineSync.Persistence.Sqlite;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Leases;

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
        return options.Provider switch
        {
            StorageProvider.Sqlite => services.AddSqlite(),
            StorageProvider.Postgres => services.AddPostgres(),
            _ => throw new InvalidOperationException($"Storage:Provider {options.Provider} is not known; use Sqlite or Postgres."),
        };
    }

    private static IServiceCollection AddSqlite(this IServiceCollection services)
    {
        services.AddSingleton<SqliteConnectionFactory>();
        services.AddSingleton<ISqlDatabase>(sp => sp.GetRequiredService<SqliteConnectionFactory>());
        services.AddHostedService<SqliteMigrator>();
        services.AddSingleton<IPortalRegistry, SqlPortalRegistry>();
        services.AddSingleton<IDrainJournal, SqliteDrainJournal>();
        services.AddSingleton<IMirrorStore, SqliteMirrorStore>();
        services.AddSingleton<IDrainLeases, SqlDrainLeases>();
        services.AddHealthChecks().AddCheck<SqliteHealthCheck>("store", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }

    private static IServiceCollection AddPostgres(this IServiceCollection services)
    {
        services.AddSingleton<PostgresConnections>();
        services.AddSingleton<ISqlDatabase>(sp => sp.GetRequiredService<PostgresConnections>());
        services.AddHostedService<PostgresMigrator>();
        services.AddSingleton<IPortalRegistry, SqlPortalRegistry>();
        services.AddSingleton<IDrainJournal, PostgresDrainJournal>();
        services.AddSingleton<IMirrorStore, PostgresMirrorStore>();
        services.AddSingleton<IDrainLeases, SqlDrainLeases>();
        services.AddHealthChecks().AddCheck<PostgresHealthCheck>("store", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }
}
