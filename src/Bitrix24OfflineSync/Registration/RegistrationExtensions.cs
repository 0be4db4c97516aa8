namespace Bitrix24OfflineSync.Registration;

internal static class RegistrationExtensions
{
    public static IServiceCollection AddRegistration(this IServiceCollection services)
    {
        services.AddSingleton<EventRegistrar>();
        services.AddSingleton<RegistrationQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<RegistrationQueue>());
        return services;
    }
}
