using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Mapping;

/// <summary>Finds what an event name means (built in, then <c>Sync:Mappings</c>) and reads the object's id from its data.</summary>
internal sealed class EventMapper
{
    private readonly Dictionary<string, EventMapping> _mappings;

    public EventMapper(IOptions<EventMappingOptions> options)
    {
        _mappings = BuiltInMappings.All.ToDictionary(m => m.EventName, StringComparer.OrdinalIgnoreCase);
        foreach (var mapping in ConfiguredMappings.Read(options.Value, []))
        {
            _mappings[mapping.EventName] = mapping;
        }
    }

    /// <summary>The mapping of <paramref name="eventName"/>, or null when nothing maps it.</summary>
    public EventMapping? Find(string eventName) => _mappings.GetValueOrDefault(eventName);

    /// <summary>
    /// The object's id at the first of the mapping's paths that holds one, as text; null when none does. The server
    /// writes CRM ids as numbers, but a form-encoded or re-serialised payload may carry strings: both are read.
    /// Zero, negative numbers, <c>false</c> and the placeholder "undefined" are no id.
    /// </summary>
    public static string? ReadId(JsonNode? data, EventMapping mapping)
    {
        foreach (var path in mapping.IdPaths)
        {
            if (Scalar(At(data, path)) is { } id)
            {
                return id;
            }
        }

        return null;
    }

    private static JsonNode? At(JsonNode? node, string path)
    {
        foreach (var segment in path.Split('.'))
        {
            if (node is not JsonObject obj)
            {
                return null;
            }

            node = obj.TryGetPropertyValue(segment, out var exact)
                ? exact
                : obj.FirstOrDefault(p => string.Equals(p.Key, segment, StringComparison.OrdinalIgnoreCase)).Value;
        }

        return node;
    }

    private static string? Scalar(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.Number:
                return value.TryGetValue<long>(out var number) && number > 0 ? number.ToString(CultureInfo.InvariantCulture) : null;
            case JsonValueKind.String:
                var text = value.GetValue<string>().Trim();
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed > 0 ? parsed.ToString(CultureInfo.InvariantCulture) : null;
                }

                return text.Length > 0 && !string.Equals(text, "undefined", StringComparison.OrdinalIgnoreCase) ? text : null;
            default:
                return null;
        }
    }
}
