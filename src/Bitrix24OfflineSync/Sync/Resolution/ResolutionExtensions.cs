using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Resolution;

internal static class ResolutionExtensions
{
    /// <summary>
    /// Event-to-entity mapping (built in, plus <c>Sync:Mappings</c>, validated at start) and the change resolver.
    /// Needs <see cref="Bitrix.Batch.BitrixBatch"/> and a <see cref="TimeProvider"/> from the composition.
    /// </summary>
    public static IServiceCollection AddResolution(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EventMappingOptions>().Bind(configuration.GetSection(EventMappingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EventMappingOptions>, EventMappingOptionsValidator>();
        services.AddSingleton<EventMapper>();
        services.AddSingleton<StateFetcher>();
        services.AddSingleton<IChangeResolver, ChangeResolver>();
        return services;
    }
}
