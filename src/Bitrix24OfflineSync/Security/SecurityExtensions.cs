namespace Bitrix24OfflineSync.Security;

internal static class SecurityExtensions
{
    public static IServiceCollection AddSecurity(this IServiceCollection services)
    {
        services.AddSingleton<EncryptionKeyProvider>();
        services.AddSingleton<TokenProtector>();
        services.AddSingleton<ApplicationTokenHasher>();
        services.AddHostedService<EncryptionKeyCheck>();
        return services;
    }
}

/// <summary>Loads (or generates) the key at start: a missing or bad key stops the start, and no request pays for generating one.</summary>
internal sealed class EncryptionKeyCheck(EncryptionKeyProvider keys) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = keys.Key;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
