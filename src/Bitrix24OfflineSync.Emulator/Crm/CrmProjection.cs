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
        Build(table, row, standard: _ => true, userField: _ => true, multiField: _ => true);

    public static JsonObject Select(CrmEntityTable table, JsonObject row, IReadOnlyCollection<string> select)
    {
        var all = select.Count == 0 || select.Contains("*");
        var allUserFields = select.Count == 0 || select.Contains("UF_*");
        return Build(
            table,
            row,
            standard: f => all || f == "ID" || select.Contains(f),
            userField: f => allUserFields || select.Contains(f),
            multiField: select.Contains);
    }

    /// <summary>The <c>select</c> parameter as upper-case names (a list, or a PHP array from a form body).</summary>
    public static HashSet<string> ParseSelect(JsonNode? select) =>
        [.. PhpJson.AsList(select).Select(FieldValues.Text).OfType<string>().Select(s => s.Trim().ToUpperInvariant()).Where(s => s.Length > 0)];

    private static JsonObject Build(
        CrmEntityTable table, JsonObject row, Func<string, bool> standard, Func<string, bool> userField, Func<string, bool> multiField)
    {
        var output = new JsonObject();
        foreach (var field in table.Definition.StandardFields.Where(standard))
        {
            output[field] = row[field]?.DeepClone();
        }

        foreach (var field in table.UserFields.Where(userField))
        {
            output[field] = row[field]?.DeepClone();
        }

        if (table.Definition.HasMultiFields)
        {
            foreach (var field in CrmEntityDefinition.MultiFields.Where(f => row[f] is not null && multiField(f)))
            {
                output[field] = row[field]!.DeepClone();
            }
        }

        return output;
    }
}
