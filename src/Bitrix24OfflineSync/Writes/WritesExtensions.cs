using Bitrix24OfflineSync.Sync.Turns;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Writes;

/// <summary>The write-back: the API on the management address, the durable queue, and the applier in each portal's turn.</summary>
internal static class WritesExtensions
{
    public static IServiceCollection AddWrites(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WriteApiOptions>().Bind(configuration.GetSection(WriteApiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<WriteApiOptions>, WriteApiOptionsValidator>();
        services.AddSingleton<IWriteStore, SqlWriteStore>();
        services.AddSingleton<WritesMetrics>();
        services.AddSingleton<WriteOutcomes>();
        services.AddSingleton<WriteFieldCheck>();
        services.AddSingleton<WritePreReads>();
        services.AddSingleton<WriteApplier>();
        services.AddSingleton<IPortalTurnStep>(sp => sp.GetRequiredService<WriteApplier>());
        return services;
    }

    /// <summary>Keys without a management address would put the API nowhere, or on the public port: the start stops instead.</summary>
    private sealed class WriteApiOptionsValidator(IConfiguration configuration) : IValidateOptions<WriteApiOptions>
    {
        public ValidateOptionsResult Validate(string? name, WriteApiOptions options) =>
            options.Enabled && string.IsNullOrWhiteSpace(configuration["Metrics:Urls"] ?? "http://0.0.0.0:9464")
                ? ValidateOptionsResult.Fail("WriteApi:Keys is set but Metrics:Urls is empty: the write API is served only on the management address.")
                : options.KeyList.Any(k => k.Length < 16)
                    ? ValidateOptionsResult.Fail("WriteApi:Keys: every key must be at least 16 characters long.")
                    : ValidateOptionsResult.Success;
    }
}
