using Bitrix24OfflineSync.Emulator.Hosting;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Emulator;

/// <summary>Checks the runnable emulator's settings at start; each message names the configuration key to fix.</summary>
internal sealed class EmulatorAppOptionsValidator : IValidateOptions<EmulatorAppOptions>, IValidateOptions<EmulatorOptions>
{
    private const string S = EmulatorAppOptions.Section;

    public ValidateOptionsResult Validate(string? name, EmulatorAppOptions options)
    {
        var errors = new List<string>();
        foreach (var (domain, i) in options.Portals.Select((d, i) => (d, i)))
        {
            if (!ControlValidation.IsDomain(domain))
            {
                errors.Add($"{S}:Portals:{i} must be a host name such as {EmulatorAppOptions.DefaultPortal}, not '{domain}'.");
            }
        }

        foreach (var duplicate in options.Portals.GroupBy(d => d, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"{S}:Portals lists {duplicate.Key} more than once.");
        }

        if (options.InstallUrl is { Length: > 0 } url && !ControlValidation.IsHttpUrl(url, out _))
        {
            errors.Add($"{S}:InstallUrl must be an absolute http or https URL, not '{url}'.");
        }

        if (options.Generator is { } generator)
        {
            errors.AddRange(ControlValidation.GeneratorErrors(generator, name => $"{S}:Generator:{name}"));

            // Custom smart-process types are made while the emulator runs; at start a portal has only the invoices.
            foreach (var entity in generator.Entities.Where(e => Generator.GeneratorEntity.TryParse(e, out var kind) && kind!.EntityTypeId is not (null or 31)))
            {
                errors.Add($"{S}:Generator:Entities: '{entity}' names a smart-process type no portal has at start; only crm.item.31 (invoices) exists then.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public ValidateOptionsResult Validate(string? name, EmulatorOptions options)
    {
        var errors = new List<string>();
        if (options.Apps.Count == 0)
        {
            errors.Add($"{S}:Apps must list at least one app.");
        }

        foreach (var (app, i) in options.Apps.Select((a, i) => (a, i)))
        {
            if (string.IsNullOrWhiteSpace(app.ClientId) || string.IsNullOrWhiteSpace(app.ClientSecret))
            {
                errors.Add($"{S}:Apps:{i}: ClientId and ClientSecret are required.");
            }

            if (string.IsNullOrWhiteSpace(app.Scope))
            {
                errors.Add($"{S}:Apps:{i}:Scope must list the app's scopes, such as crm,task.");
            }
        }

        foreach (var duplicate in options.Apps.GroupBy(a => a.ClientId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"{S}:Apps lists client id {duplicate.Key} more than once.");
        }

        Positive(errors, options.AccessTokenLifetime, "AccessTokenLifetime");
        Positive(errors, options.RefreshTokenLifetime, "RefreshTokenLifetime");
        Positive(errors, options.AuthorizationCodeLifetime, "AuthorizationCodeLifetime");
        Positive(errors, options.DeliveryTimeout, "DeliveryTimeout");
        if (options.OfflineWriteDelay < TimeSpan.Zero)
        {
            errors.Add($"{S}:OfflineWriteDelay must not be negative, such as 00:00:00.050, not {options.OfflineWriteDelay}.");
        }

        if (options.RateLimit.BurstLimit < 1 || !(options.RateLimit.DrainPerSecond > 0))
        {
            errors.Add($"{S}:RateLimit: BurstLimit must be at least 1 and DrainPerSecond a positive number.");
        }

        var operating = options.OperatingLimit;
        Positive(errors, operating.Limit, "OperatingLimit:Limit");
        if (operating.Window < TimeSpan.FromSeconds(1) || operating.Window.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add($"{S}:OperatingLimit:Window must be a whole number of seconds, such as 00:10:00 (the limiter counts calls per second).");
        }

        foreach (var (method, cost) in operating.CostPerCall.Where(p => p.Value < TimeSpan.Zero))
        {
            errors.Add($"{S}:OperatingLimit:CostPerCall:{method} must not be negative, not {cost}.");
        }

        var cloud = options.Cloud;
        var costs = new Dictionary<string, TimeSpan>
        {
            ["RoundTrip"] = cloud.RoundTrip, ["Get"] = cloud.Get, ["ListFewFields"] = cloud.ListFewFields, ["ListAllFields"] = cloud.ListAllFields,
            ["OfflineGet"] = cloud.OfflineGet, ["Write"] = cloud.Write, ["Fields"] = cloud.Fields, ["Other"] = cloud.Other,
        };
        foreach (var (key, cost) in costs.Concat(cloud.CostPerMethod.Select(c => KeyValuePair.Create($"CostPerMethod:{c.Key}", c.Value))).Where(c => c.Value < TimeSpan.Zero))
        {
            errors.Add($"{S}:Cloud:{key} must not be negative, not {cost}.");
        }

        if (options.PortalUtcOffset.Duration() > TimeSpan.FromHours(14))
        {
            errors.Add($"{S}:PortalUtcOffset must be within ±14:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, TimeSpan value, string key)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{S}:{key} must be a positive time span such as 00:01:00, not {value}.");
        }
    }
}
