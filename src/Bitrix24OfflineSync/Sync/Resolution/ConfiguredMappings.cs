namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// Turns <c>Sync:Mappings</c> into event mappings and says, naming the key, what cannot work: a missing name or
/// method, an event mapped twice or already built in, an entity fetched two different ways.
/// </summary>
internal static class ConfiguredMappings
{
    /// <summary>Used by unmapped events' keys; an entity of that name would collide with them.</summary>
    public const string EventEntity = "event";

    public static IReadOnlyList<EventMapping> Read(EventMappingOptions options, List<string> failures)
    {
        var mappings = new List<EventMapping>();
        var builtInEvents = BuiltInMappings.All.Select(m => m.EventName).ToHashSet(StringComparer.Ordinal);
        var builtInEntities = BuiltInMappings.Entities.Select(e => e.Entity).ToHashSet(StringComparer.Ordinal);
        var events = new Dictionary<string, string>(StringComparer.Ordinal);
        var fetches = new Dictionary<string, (EntityFetch Fetch, string Key)>(StringComparer.Ordinal);
        for (var i = 0; i < options.Mappings.Count; i++)
        {
            var key = $"{EventMappingOptions.Section}:Mappings:{i}";
            var settings = options.Mappings[i];
            var problems = failures.Count;
            var name = settings.Event?.Trim().ToUpperInvariant();
            var entity = settings.Entity?.Trim();
            Require(failures, name, $"{key}:Event");
            Require(failures, entity, $"{key}:Entity");
            if (!IsPath(settings.IdPath))
            {
                failures.Add($"{key}:IdPath must be a dotted path into the event data, such as FIELDS.ID.");
            }

            if (!settings.Delete)
            {
                Require(failures, settings.GetMethod, $"{key}:GetMethod", " unless Delete is true");
                Require(failures, settings.GetIdParameter, $"{key}:GetIdParameter");
                Require(failures, settings.IdField, $"{key}:IdField");
            }

            if (name is { Length: > 0 } && builtInEvents.Contains(name))
            {
                failures.Add($"{key}:Event {name} is built in and cannot be mapped again.");
            }
            else if (name is { Length: > 0 } && !events.TryAdd(name, key))
            {
                failures.Add($"{key}:Event {name} is already mapped by {events[name]}.");
            }

            if (entity is { Length: > 0 } && (builtInEntities.Contains(entity) || entity == EventEntity || entity.StartsWith(SmartProcesses.EntityPrefix, StringComparison.Ordinal)))
            {
                failures.Add($"{key}:Entity {entity} is reserved for built-in mappings.");
            }

            if (failures.Count > problems)
            {
                continue;
            }

            var fetch = settings.Delete ? null : Fetch(settings, entity!);
            if (fetch is not null && fetches.TryGetValue(entity!, out var earlier) && !earlier.Fetch.SameAs(fetch))
            {
                failures.Add($"{key} fetches {entity} differently from {earlier.Key}: mappings of one entity must agree on GetMethod, GetIdParameter, GetResultKey, ListMethod, ListResultKey, Select, IdField and ModifiedField.");
                continue;
            }

            if (fetch is not null)
            {
                fetches.TryAdd(entity!, (fetch, key));
            }

            mappings.Add(new EventMapping(name!, entity!, [settings.IdPath!.Trim()], settings.Delete, fetch));
        }

        return mappings;
    }

    private static EntityFetch Fetch(MappingSettings settings, string entity) => new(
        entity,
        settings.GetMethod!.Trim(),
        settings.GetIdParameter.Trim(),
        null,
        Blank(settings.GetResultKey),
        Blank(settings.ListMethod),
        Blank(settings.ListResultKey),
        [.. settings.Select.Select(s => s.Trim()).Where(s => s.Length > 0)],
        settings.IdField.Trim(),
        Blank(settings.ModifiedField));

    private static void Require(List<string> failures, string? value, string key, string condition = "")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key} is required{condition}.");
        }
    }

    private static bool IsPath(string? path) =>
        !string.IsNullOrWhiteSpace(path) && path.Trim().Split('.').All(segment => segment.Length > 0 && !segment.Any(char.IsWhiteSpace));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
