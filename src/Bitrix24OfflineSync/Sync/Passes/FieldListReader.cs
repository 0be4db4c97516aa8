using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sinks.Fields;
using Bitrix24OfflineSync.Sync.Resolution;

namespace Bitrix24OfflineSync.Sync.Passes;

/// <summary>
/// Reads field list answers: each field's code, the key the states carry it under, its upper-case name, type, title
/// (a user field's <c>listLabel</c>, else <c>formLabel</c>, else its <c>title</c>), flags, and the labels of its
/// values: a user field list's <c>items</c>, a task list's <c>values</c>, and for a <c>crm_status</c> field the statuses
/// of <c>crm.status.list</c> whose list is its <c>statusType</c>, in every category (<c>DEAL_STAGE</c> and
/// <c>DEAL_STAGE_2</c> alike: a deal in pipeline 2 is at <c>C2:WON</c>).
/// </summary>
internal static class FieldListReader
{
    /// <summary>The entity's fields; null when the answer is not a field list. Labels of statuses come from <paramref name="statuses"/>.</summary>
    public static EntityFields? Read(string entity, FieldListShape shape, JsonNode? result, ILookup<string, FieldLabel>? statuses)
    {
        var map = (shape == FieldListShape.Classic ? result : (result as JsonObject)?["fields"]) switch
        {
            JsonObject described => described,

            // An empty PHP array comes as [].
            JsonArray { Count: 0 } => [],
            _ => null,
        };
        if (map is null)
        {
            return null;
        }

        var fields = new List<PortalField>();
        var labels = new List<FieldLabel>();
        foreach (var (code, node) in map)
        {
            if (node is not JsonObject description)
            {
                continue;
            }

            var field = shape == FieldListShape.Task ? TaskField(code, description) : CrmField(code, description, shape);
            fields.Add(field);
            labels.AddRange(Items(code, description));
            if (field.StatusList is { } list && statuses is not null)
            {
                labels.AddRange(statuses[list].DistinctBy(l => l.Value).Select(l => l with { Code = code }));
            }
        }

        return new EntityFields(entity, fields, labels);
    }

    /// <summary>Whether the fields need <c>crm.status.list</c> for their labels.</summary>
    public static bool NeedsStatuses(EntityFields fields) => fields.Fields.Any(f => f.StatusList is not null);

    /// <summary>The labels of <c>crm.status.list</c>'s rows, by their list without a category's number; null when the answer is not a list.</summary>
    public static ILookup<string, FieldLabel>? Statuses(JsonNode? result) =>
        result is JsonArray rows
            ? rows.OfType<JsonObject>()
                .Where(r => Text(r["ENTITY_ID"]) is not null && Text(r["STATUS_ID"]) is not null)
                .ToLookup(
                    r => StatusList(Text(r["ENTITY_ID"])!),
                    r => new FieldLabel("", Text(r["STATUS_ID"])!, Text(r["NAME"]) ?? "", Number(r["SORT"])),
                    StringComparer.Ordinal)
            : null;

    /// <summary>A status list without a category's number: <c>DEAL_STAGE_2</c> → <c>DEAL_STAGE</c>, <c>DYNAMIC_1032_STAGE_7</c> → <c>DYNAMIC_1032_STAGE</c>.</summary>
    public static string StatusList(string list)
    {
        var cut = list.LastIndexOf('_');
        return cut > 0 && cut < list.Length - 1 && list[(cut + 1)..].All(char.IsAsciiDigit) && list[..cut].EndsWith("STAGE", StringComparison.Ordinal)
            ? list[..cut]
            : list;
    }

    private static PortalField CrmField(string code, JsonObject d, FieldListShape shape)
    {
        var isUserField = Flag(d["isDynamic"]);
        var title = isUserField ? First(d["listLabel"], d["formLabel"], d["filterLabel"], d["title"]) : First(d["title"]);
        var type = Text(d["type"]) ?? "string";
        return new PortalField(
            code,
            code,
            shape == FieldListShape.Item ? First(d["upperName"]) ?? code : code,
            type,
            title ?? code,
            Flag(d["isMultiple"]),
            Flag(d["isReadOnly"]),
            Flag(d["isRequired"]),
            type == "crm_status" && Text(d["statusType"]) is { } statusType ? StatusList(statusType) : null);
    }

    private static PortalField TaskField(string code, JsonObject d) => new(
        code,
        Camel(code),
        code,
        Text(d["type"]) ?? "string",
        First(d["title"]) ?? code,
        Text(d["type"]) == "array",
        Flag(d["primary"]),
        Flag(d["required"]));

    /// <summary>A user field list's <c>items</c> (<c>[{ID, VALUE}]</c>), or a task field's <c>values</c> (<c>{"2":"High"}</c>).</summary>
    private static IEnumerable<FieldLabel> Items(string code, JsonObject d) => d["items"] is JsonArray items
        ? items.OfType<JsonObject>().Select((item, i) => (Id: Text(item["ID"]), Value: Text(item["VALUE"]), i))
            .Where(x => x.Id is not null).Select(x => new FieldLabel(code, x.Id!, x.Value ?? "", x.i))
        : d["values"] is JsonObject values
            ? values.Select((p, i) => new FieldLabel(code, p.Key, Text(p.Value) ?? "", i))
            : [];

    /// <summary><c>RESPONSIBLE_ID</c> → <c>responsibleId</c>, <c>UF_CRM_TASK</c> → <c>ufCrmTask</c>: a task's states spell its fields so.</summary>
    private static string Camel(string code)
    {
        var camel = new StringBuilder();
        foreach (var part in code.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            var lower = part.ToLowerInvariant();
            camel.Append(camel.Length == 0 ? lower : char.ToUpperInvariant(lower[0]) + lower[1..]);
        }

        return camel.Length == 0 ? code : camel.ToString();
    }

    private static string? First(params JsonNode?[] nodes) => nodes.Select(Text).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t));

    private static string? Text(JsonNode? node) => node is JsonValue value ? value.ToString() : null;

    private static bool Flag(JsonNode? node) => Text(node) is "Y" or "1" || string.Equals(Text(node), "true", StringComparison.OrdinalIgnoreCase);

    private static int Number(JsonNode? node) => int.TryParse(Text(node), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
