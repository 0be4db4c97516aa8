using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// Which fields an answer carries. <c>get</c> gives everything. A list's <c>select</c>: none (or an empty one) gives
/// the standard fields and the user fields, as <c>*</c> plus <c>UF_*</c> would; <c>*</c> gives the standard fields,
/// <c>UF_*</c> the user fields, multi-fields only when named, and <c>ID</c> always.
/// </summary>
internal static class CrmProjection
{
    public static JsonObject Full(CrmEntityTable table, JsonObject row) =>
        Build(row, [.. table.Definition.StandardFields, .. table.UserFields], table.Definition.HasMultiFields ? CrmEntityDefinition.MultiFields : []);

    /// <summary>Projects rows onto a list's <c>select</c>; the fields are worked out once for the whole page.</summary>
    public static Func<JsonObject, JsonObject> Selector(CrmEntityTable table, IReadOnlyCollection<string> select)
    {
        var all = select.Count == 0 || select.Contains("*");
        var allUserFields = select.Count == 0 || select.Contains("UF_*");
        string[] fields =
        [
            .. table.Definition.StandardFields.Where(f => all || f == "ID" || select.Contains(f)),
            .. table.UserFields.Where(f => allUserFields || select.Contains(f)),
        ];
        string[] multiFields = table.Definition.HasMultiFields ? [.. CrmEntityDefinition.MultiFields.Where(select.Contains)] : [];
        return row => Build(row, fields, multiFields);
    }

    /// <summary>The <c>select</c> parameter as upper-case names (a list, or a PHP array from a form body).</summary>
    public static HashSet<string> ParseSelect(JsonNode? select) =>
        [.. PhpJson.AsList(select).Select(FieldValues.Text).OfType<string>().Select(s => s.Trim().ToUpperInvariant()).Where(s => s.Length > 0)];

    /// <summary>Standard and user fields are always there (null when unset); a multi-field only when it has values.</summary>
    private static JsonObject Build(JsonObject row, IReadOnlyList<string> fields, IReadOnlyList<string> multiFields)
    {
        var output = new JsonObject();
        foreach (var field in fields)
        {
            output[field] = row[field]?.DeepClone();
        }

        foreach (var field in multiFields)
        {
            if (row[field] is { } values)
            {
                output[field] = values.DeepClone();
            }
        }

        return output;
    }
}
