using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Bitrix;

internal static class BitrixExtensions
{
    public static IServiceCollection AddBitrix24(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Bitrix24Options>().Bind(configuration.GetSection(Bitrix24Options.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Bitrix24Options>, Bitrix24OptionsValidator>();
        services.AddHttpClient<OAuthClient>(OAuthClient.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30))
            // A token must never follow a redirect to a host we did not choose.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        return services;
    }
}
