using Bitrix24OfflineSync.Persistence.Postgres;
using Bitrix24OfflineSync.Persistence.Sqlite;

namespace Bitrix24OfflineSync.Persistence;

internal static class PersistenceExtensions
{
    /// <summary>The configured provider as <see cref="ISqlDatabase"/>, its migrator and its health check; the features bring their own stores.</summary>
    public static IServiceCollection AddPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section))
            // A relative data folder is the content root's (the application's folder), never the working directory's.
            .PostConfigure<IHostEnvironment>((o, host) => o.DataDirectory = string.IsNullOrWhiteSpace(o.DataDirectory) ? o.DataDirectory : Path.GetFullPath(o.DataDirectory, host.ContentRootPath))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // One instance, so the answer it keeps is shared by every probe.
        services.AddSingleton<DatabaseHealthCheck>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("store");
        return options.Provider switch
        {
            StorageProvider.Sqlite => services.AddSqlite(),
            StorageProvider.Postgres => services.AddPostgres(),
            _ => throw new InvalidOperationException($"Storage:Provider {options.Provider} is not known; use Sqlite or Postgres."),
        };
    }

    private static IServiceCollection AddSqlite(this IServiceCollection services)
    {
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<ISqlDatabase>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.AddSingleton<ISchemaMigrator, SqliteMigrator>();
        services.AddHostedService(sp => sp.GetRequiredService<ISchemaMigrator>());
        return services;
    }

    private static IServiceCollection AddPostgres(this IServiceCollection services)
    {
        services.AddSingleton<PostgresDatabase>();
        services.AddSingleton<ISqlDatabase>(sp => sp.GetRequiredService<PostgresDatabase>());
        services.AddSingleton<ISchemaMigrator, PostgresMigrator>();
        services.AddHostedService(sp => sp.GetRequiredService<ISchemaMigrator>());
        return services;
    }
}
