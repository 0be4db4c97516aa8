using System.Globalization;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// How the universal API names and types the classic entities' fields (object-fields.md): UPPER_CASE becomes
/// camelCase, with the renames the item model makes (<c>DATE_MODIFY</c> is <c>updatedTime</c>, a lead's <c>STATUS_ID</c>
/// its <c>stageId</c>), IDs and user references become numbers, amounts become numbers.
/// </summary>
internal static class ClassicItemNames
{
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["DATE_CREATE"] = "createdTime",
        ["DATE_MODIFY"] = "updatedTime",
        ["CREATED_BY_ID"] = "createdBy",
        ["MODIFY_BY_ID"] = "updatedBy",
    };

    private static readonly HashSet<string> Integers = new(
        ["ID", "ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID", "COMPANY_ID", "CONTACT_ID", "LEAD_ID", "QUOTE_ID", "CATEGORY_ID", "PROBABILITY"],
        StringComparer.Ordinal);

    /// <summary>The universal API's entityTypeId of a classic entity: lead 1, deal 2, contact 3, company 4.</summary>
    public static int EntityTypeId(CrmEntityType type) => type switch
    {
        CrmEntityType.Lead => 1,
        CrmEntityType.Deal => 2,
        CrmEntityType.Contact => 3,
        _ => 4,
    };

    public static string ToCamel(CrmEntityType type, string upper) => (type, upper) switch
    {
        (CrmEntityType.Lead, "STATUS_ID") => "stageId",
        (CrmEntityType.Lead, "STATUS_SEMANTIC_ID") => "stageSemanticId",
        (CrmEntityType.Company, "COMPANY_TYPE") => "typeId",
        _ when UserFieldNames.IsOriginal(upper) => UserFieldNames.ToCamel(upper),
        _ => Renamed.GetValueOrDefault(upper) ?? Tasks.TaskFields.ToCamel(upper),
    };

    /// <summary>A stored value as the universal API answers it.</summary>
    public static JsonNode? Value(string upper, JsonNode? stored)
    {
        var text = FieldValues.Text(stored);
        if (stored is JsonArray || text is null)
        {
            return stored?.DeepClone();
        }

        if (Integers.Contains(upper))
        {
            return text.Length == 0 ? null : JsonValue.Create(FieldValues.IntVal(stored));
        }

        return CrmEntityDefinition.IsMoney(upper) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            ? JsonValue.Create(amount)
            : text;
    }

    /// <summary>The multi-fields as the universal API's <c>fm</c> list: <c>{id, valueType, value, typeId}</c>.</summary>
    public static JsonArray Multifields(JsonObject row)
    {
        var fm = new JsonArray();
        foreach (var name in CrmEntityDefinition.MultiFields)
        {
            foreach (var entry in (row[name] as JsonArray ?? []).OfType<JsonObject>())
            {
                fm.Add(new JsonObject
                {
                    ["id"] = FieldValues.IntVal(entry["ID"]),
                    ["valueType"] = FieldValues.Text(entry["VALUE_TYPE"]),
                    ["value"] = FieldValues.Text(entry["VALUE"]),
                    ["typeId"] = name,
                });
            }
        }

        return fm;
    }
}
