using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Cloud;

/// <summary>
/// One portal's cloud profile (<see cref="CloudProfileOptions"/>): its round trip, and what each command costs the
/// server. The latency fault is the same wait: set on a portal, it stands for that portal's round trip whether the
/// profile is on or not (a slow portal), so a request waits once, never twice.
/// </summary>
public sealed class CloudProfile(CloudProfileOptions options)
{
    private volatile CloudProfileOptions _options = options.Clone();

    public CloudProfileOptions Options => _options.Clone();

    public bool Enabled => _options.Enabled;

    /// <summary>Replaces the settings (a copy is kept).</summary>
    public void Configure(CloudProfileOptions options) => _options = options.Clone();

    /// <summary>Switches the profile on or off, its costs kept.</summary>
    public void Switch(bool enabled)
    {
        var options = _options.Clone();
        options.Enabled = enabled;
        _options = options;
    }

    /// <summary>What a request waits for the network: the latency fault when set, else the profile's round trip when on.</summary>
    internal TimeSpan RoundTrip(TimeSpan latencyFault) =>
        latencyFault > TimeSpan.Zero ? latencyFault : _options is { Enabled: true } on ? on.RoundTrip : TimeSpan.Zero;

    /// <summary>What one command (never the outer batch) costs the server; zero with the profile off.</summary>
    public TimeSpan CostOf(string method, JsonObject parameters)
    {
        var options = _options;
        if (!options.Enabled || method == "batch")
        {
            return TimeSpan.Zero;
        }

        if (options.CostPerMethod.TryGetValue(method, out var configured))
        {
            return configured;
        }

        return method switch
        {
            "event.offline.get" => options.OfflineGet,
            "event.offline.list" => options.ListFewFields,
            "event.offline.clear" or "event.offline.error" or "event.bind" or "event.unbind" => options.Write,
            _ when method.EndsWith(".list", StringComparison.Ordinal) => SelectsAll(parameters) ? options.ListAllFields : options.ListFewFields,
            _ when method.EndsWith(".fields", StringComparison.Ordinal) || method.EndsWith(".getfields", StringComparison.Ordinal) => options.Fields,
            _ when method.EndsWith(".get", StringComparison.Ordinal) => options.Get,
            _ when method.EndsWith(".add", StringComparison.Ordinal) || method.EndsWith(".update", StringComparison.Ordinal) ||
                   method.EndsWith(".delete", StringComparison.Ordinal) => options.Write,
            _ => options.Other,
        };
    }

    /// <summary>A list without a select, or whose select asks for everything (<c>*</c>, <c>UF_*</c>): the dear kind.</summary>
    private static bool SelectsAll(JsonObject parameters)
    {
        var select = parameters.FirstOrDefault(p => string.Equals(p.Key, "select", StringComparison.OrdinalIgnoreCase)).Value;
        var fields = PhpJson.AsList(select).Select(MethodContext.Scalar).OfType<string>().ToList();
        return fields.Count == 0 || fields.Any(f => f.Contains('*', StringComparison.Ordinal));
    }
}
