using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Emulator;

/// <summary>Binds the <c>Emulator</c> section to <see cref="EmulatorOptions"/> and <see cref="EmulatorAppOptions"/>, validated at start.</summary>
internal static class EmulatorAppConfiguration
{
    public static IServiceCollection AddEmulatorSettings(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(EmulatorAppOptions.Section);
        services.AddSingleton<IValidateOptions<EmulatorOptions>, EmulatorAppOptionsValidator>();
        services.AddSingleton<IValidateOptions<EmulatorAppOptions>, EmulatorAppOptionsValidator>();
        services.AddOptions<EmulatorOptions>()
            .Configure(options =>
            {
                section.Bind(options);
                ReplaceList(section.GetSection(nameof(EmulatorOptions.Apps)), options.Apps);
            })
            .ValidateOnStart();
        services.AddOptions<EmulatorAppOptions>()
            .Configure(options =>
            {
                section.Bind(options);
                if (options.Generator is { } generator)
                {
                    ReplaceList(section.GetSection($"{nameof(EmulatorAppOptions.Generator)}:{nameof(generator.Entities)}"), generator.Entities);
                }

                if (options.Portals.Count == 0)
                {
                    options.Portals.Add(EmulatorAppOptions.DefaultPortal);
                }
            })
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// The binder adds configured items to a list's defaults instead of replacing them; a configured list must
    /// stand alone (the first app is the default one).
    /// </summary>
    private static void ReplaceList<T>(IConfigurationSection section, IList<T> list)
    {
        if (section.GetChildren().Any())
        {
            list.Clear();
            section.Bind(list);
        }
    }
}
