using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// Finds what an event name means (built in, then <c>Sync:Mappings</c>), makes a smart-process event concrete from
/// its data, and reads the object's id.
/// </summary>
internal sealed class EventMapper
{
    private readonly Dictionary<string, EventMapping> _mappings;
    private readonly EventMappingOptions _options;

    public EventMapper(IOptions<EventMappingOptions> options)
    {
        _options = options.Value;
        _mappings = BuiltInMappings.All.ToDictionary(m => m.EventName, StringComparer.OrdinalIgnoreCase);
        foreach (var mapping in ConfiguredMappings.Read(options.Value, []))
        {
            _mappings[mapping.EventName] = mapping;
        }
    }

    /// <summary>The mapping of <paramref name="eventName"/>, or null when nothing maps it; a smart-process event's is not yet concrete.</summary>
    public EventMapping? Find(string eventName) => _mappings.GetValueOrDefault(eventName);

    /// <summary>Whether the smart-process type is synced (<c>Sync:SmartProcessTypes</c>; empty: all).</summary>
    public bool SyncsType(long entityTypeId) => _options.SyncsType(entityTypeId);

    /// <summary>
    /// What one queued event is about: its concrete mapping and the object's id. A smart-process event's entity is
    /// <c>crm.item.{ENTITY_TYPE_ID}</c> from its data; an item of a type not synced is ignored.
    /// </summary>
    public EventResolution Resolve(string eventName, JsonNode? data)
    {
        if (Find(eventName) is not { } mapping)
        {
            return EventResolution.Unmapped;
        }

        if (mapping.TypePath is { } typePath)
        {
            if (!long.TryParse(Scalar(At(data, typePath)), NumberStyles.None, CultureInfo.InvariantCulture, out var entityTypeId) || entityTypeId <= 0)
            {
                return EventResolution.Invalid(mapping, $"{eventName} has no entity type at {typePath}");
            }

            if (!SyncsType(entityTypeId))
            {
                return EventResolution.Ignored;
            }

            var fetch = SmartProcesses.Fetch(entityTypeId);
            mapping = mapping with { Entity = fetch.Entity, Fetch = mapping.IsDelete ? null : fetch, TypePath = null };
        }

        return ReadId(data, mapping) is { } id
            ? EventResolution.Of(mapping, id)
            : EventResolution.Invalid(mapping, $"{eventName} has no {mapping.Entity} id at {string.Join(" or ", mapping.IdPaths)}");
    }

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
