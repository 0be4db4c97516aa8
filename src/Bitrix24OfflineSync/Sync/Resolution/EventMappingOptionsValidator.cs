using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>Stops the process at boot, naming the key, when a configured mapping cannot work.</summary>
internal sealed class EventMappingOptionsValidator : IValidateOptions<EventMappingOptions>
{
    public ValidateOptionsResult Validate(string? name, EventMappingOptions options)
    {
        var failures = new List<string>();
        ConfiguredMappings.Read(options, failures);
        failures.AddRange(options.BadSmartProcessTypes().Select(t =>
            $"{EventMappingOptions.Section}:SmartProcessTypes: '{t}' is not an entityTypeId; list positive integers, such as 1220,1222,31."));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
