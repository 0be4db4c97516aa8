using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Rest;

/// <summary>One method invocation: its portal, caller, parameters (names matched case-insensitively) and hit.</summary>
public sealed class MethodContext(HitContext hit, string method, JsonObject parameters)
{
    public HitContext Hit { get; } = hit;

    public string Method { get; } = method;

    public JsonObject Parameters { get; } = parameters;

    public EmulatedPortal Portal => Hit.Portal;

    public Caller Caller => Hit.Caller;

    public BitrixWorld World => Hit.World;

    public DateTimeOffset Now => World.Time.GetUtcNow();

    /// <summary>A parameter by case-insensitive name (the server runs <c>array_change_key_case</c>).</summary>
    public JsonNode? Param(string name)
    {
        foreach (var (key, value) in Parameters)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    public bool HasParam(string name) => Parameters.Any(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));

    public string? StringParam(string name) => Scalar(Param(name));

    /// <summary>An integer parameter; a value that is present but not an integer is an <c>ERROR_ARGUMENT</c>.</summary>
    public long? IntParam(string name)
    {
        var text = StringParam(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw RestException.InvalidArgument($"Value must be integer", name.ToUpperInvariant());
    }

    public void RequireAdmin(string description = "Access denied!")
    {
        if (!Caller.IsAdmin)
        {
            throw RestException.AccessDenied(description);
        }
    }

    public static string? Scalar(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "1" : "0",
        JsonValue v => v.ToJsonString(),
        _ => null,
    };
}
