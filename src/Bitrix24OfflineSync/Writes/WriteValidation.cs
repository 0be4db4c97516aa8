using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bitrix24OfflineSync.Writes;

/// <summary>A write the body cannot hold: which write (its index; null for the body itself), which field, and why.</summary>
internal sealed record WriteRefusal(int? Index, string Field, string Detail);

/// <summary>
/// Checks a whole <c>{"writes":[…]}</c> body before anything is stored: 1 to 500 writes, each with a key of 1–100
/// of <c>[A-Za-z0-9._:-]</c> (unique in the body), a synced entity's name, an action, an id for update and delete,
/// fields for create and update, and an optional <c>ifUnmodifiedSince</c> with an offset.
/// </summary>
internal static partial class WriteValidation
{
    public const int MaxWrites = 500;

    private static readonly string[] ClassicEntities = ["crm.deal", "crm.contact", "crm.company", "crm.lead", "crm.activity"];

    public static (IReadOnlyList<WriteRequest>? Writes, WriteRefusal? Refusal) Read(JsonNode? body)
    {
        if (body is not JsonObject root || root["writes"] is not JsonArray list)
        {
            return (null, new WriteRefusal(null, "writes", "The body must be an object with a \"writes\" array."));
        }

        if (list.Count is 0 or > MaxWrites)
        {
            return (null, new WriteRefusal(null, "writes", $"A request holds 1 to {MaxWrites} writes; this one holds {list.Count}."));
        }

        var writes = new List<WriteRequest>(list.Count);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var (write, refusal) = ReadOne(i, list[i]);
            if (refusal is not null)
            {
                return (null, refusal);
            }

            if (!keys.Add(write!.Key))
            {
                return (null, new WriteRefusal(i, "key", $"The key '{write.Key}' appears twice in the request."));
            }

            writes.Add(write);
        }

        return (writes, null);
    }

    /// <summary>Whether <paramref name="entity"/> names an entity a write may go to: a classic CRM entity, an activity or <c>crm.item.{entityTypeId}</c>.</summary>
    public static bool IsWritableEntity(string entity) =>
        ClassicEntities.Contains(entity, StringComparer.Ordinal) ||
        (entity.StartsWith("crm.item.", StringComparison.Ordinal) &&
         long.TryParse(entity.AsSpan("crm.item.".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var type) && type > 0);

    private static (WriteRequest?, WriteRefusal?) ReadOne(int index, JsonNode? node)
    {
        WriteRefusal Refuse(string field, string detail) => new(index, field, detail);
        if (node is not JsonObject write)
        {
            return (null, Refuse("", "A write must be an object."));
        }

        if (Text(write["key"]) is not { } key || !KeyPattern().IsMatch(key))
        {
            return (null, Refuse("key", "The key is required: 1 to 100 of A-Z, a-z, 0-9, '.', '_', ':', '-'."));
        }

        if (Text(write["entity"]) is not { } entity || !IsWritableEntity(entity))
        {
            return (null, Refuse("entity", "The entity must be crm.deal, crm.contact, crm.company, crm.lead, crm.activity or crm.item.{entityTypeId}."));
        }

        if (Text(write["action"]) is not { } action || !WriteActions.All.Contains(action, StringComparer.Ordinal))
        {
            return (null, Refuse("action", "The action must be create, update or delete."));
        }

        var id = write["id"] is JsonValue idValue ? idValue.ToString() : null;
        if (action == WriteActions.Create ? id is not null : id is null || !ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number == 0)
        {
            return (null, Refuse("id", action == WriteActions.Create ? "A create takes no id." : "An update or delete needs the object's id, a positive number."));
        }

        var fields = write["fields"] as JsonObject;
        if (action == WriteActions.Delete ? write["fields"] is not null : fields is null || fields.Count == 0)
        {
            return (null, Refuse("fields", action == WriteActions.Delete ? "A delete takes no fields." : "A create or update needs a non-empty fields object."));
        }

        DateTimeOffset? since = null;
        if (write["ifUnmodifiedSince"] is { } sinceNode)
        {
            if (Text(sinceNode) is not { } sinceText ||
                !DateTimeOffset.TryParseExact(sinceText, ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return (null, Refuse("ifUnmodifiedSince", "ifUnmodifiedSince must be an ISO 8601 time with an offset, e.g. 2026-12-01T10:00:00+03:00."));
            }

            if (action == WriteActions.Create)
            {
                return (null, Refuse("ifUnmodifiedSince", "A create has no earlier version to compare with."));
            }

            since = parsed;
        }

        foreach (var name in write.Select(p => p.Key))
        {
            if (name is not ("key" or "entity" or "action" or "id" or "fields" or "ifUnmodifiedSince"))
            {
                return (null, Refuse(name, $"Unknown member '{name}'."));
            }
        }

        return (new WriteRequest(key, entity, action, id, (JsonObject?)fields?.DeepClone(), since), null);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
