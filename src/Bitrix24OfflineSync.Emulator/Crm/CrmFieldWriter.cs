using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// Writes a caller's <c>fields</c> into a row the way the CRM REST proxy does: exact upper-case names only,
/// server-maintained fields ignored, unknown fields dropped, <c>UF_*</c> kept as given and multi-fields merged by ID.
/// </summary>
internal static class CrmFieldWriter
{
    public static void Apply(CrmEntityTable table, JsonObject row, JsonObject fields, Func<long> nextValueId)
    {
        var definition = table.Definition;
        foreach (var (name, value) in fields)
        {
            if (CrmEntityDefinition.IsUserField(name))
            {
                table.DefineUserField(name);
                row[name] = FieldValues.UserField(value);
            }
            else if (definition.IsMultiField(name))
            {
                MergeMultiField(row, name, value, nextValueId);
            }
            else if (definition.IsStandard(name) && !definition.IsReadOnly(name))
            {
                var text = FieldValues.Text(value);
                row[name] = CrmEntityDefinition.IsMoney(name) ? FieldValues.Money(text) : text;
            }
        }

        if (definition.HasMultiFields)
        {
            row["HAS_PHONE"] = Has(row, "PHONE", _ => true);
            row["HAS_EMAIL"] = Has(row, "EMAIL", _ => true);
            row["HAS_IMOL"] = Has(row, "IM", v => v["VALUE_TYPE"]?.GetValue<string>() == "IMOL");
        }
    }

    /// <summary>Entries with an ID change or (empty VALUE, DELETE=Y) remove that value; entries without one are added.</summary>
    private static void MergeMultiField(JsonObject row, string name, JsonNode? input, Func<long> nextValueId)
    {
        var values = row[name] as JsonArray ?? [];
        row.Remove(name);
        foreach (var entry in PhpJson.AsList(input).OfType<JsonObject>())
        {
            var id = FieldValues.Text(Get(entry, "ID"));
            var value = FieldValues.Text(Get(entry, "VALUE")) ?? "";
            var valueType = FieldValues.Text(Get(entry, "VALUE_TYPE"));
            var delete = string.Equals(FieldValues.Text(Get(entry, "DELETE")), "Y", StringComparison.OrdinalIgnoreCase);
            var existing = id is null ? null : values.OfType<JsonObject>().FirstOrDefault(v => v["ID"]?.GetValue<string>() == id);
            if (existing is not null)
            {
                if (delete || value.Length == 0)
                {
                    values.Remove(existing);
                    continue;
                }

                existing["VALUE"] = value;
                existing["VALUE_TYPE"] = valueType ?? existing["VALUE_TYPE"]?.GetValue<string>();
            }
            else if (id is null && !delete && value.Length > 0)
            {
                values.Add(new JsonObject
                {
                    ["ID"] = nextValueId().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["VALUE_TYPE"] = string.IsNullOrEmpty(valueType) ? "WORK" : valueType,
                    ["VALUE"] = value,
                    ["TYPE_ID"] = name,
                });
            }
        }

        if (values.Count > 0)
        {
            row[name] = values;
        }
    }

    private static JsonNode? Get(JsonObject entry, string key) =>
        entry.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    private static string Has(JsonObject row, string name, Func<JsonObject, bool> counts) =>
        row[name] is JsonArray values && values.OfType<JsonObject>().Any(counts) ? "Y" : "N";
}
