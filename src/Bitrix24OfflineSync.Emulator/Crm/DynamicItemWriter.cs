using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// Writes a caller's <c>fields</c> into a smart-process item as the universal controller's <c>processFields</c> does:
/// names in either case, read-only and unknown fields ignored, an empty value (PHP <c>empty</c>) clears the field,
/// flags from <c>true</c>/<c>"true"</c>/<c>"y"</c>/<c>"Y"</c> else <c>N</c>, a date that does not parse left as it was.
/// </summary>
internal static class DynamicItemWriter
{
    /// <summary>Applies the fields; true when a stored value changed.</summary>
    public static bool Apply(DynamicItemTable table, JsonObject row, JsonObject fields, bool isAdd)
    {
        var changed = false;
        foreach (var (name, value) in fields)
        {
            string target;
            JsonNode? written;
            if (UserFieldNames.ToOriginal(name) is { } userField)
            {
                table.DefineUserField(userField);
                (target, written) = (userField, IsEmpty(value) ? null : value!.DeepClone());
            }
            else if (table.Field(name) is { Writable: true } field && (isAdd || !field.AddOnly))
            {
                target = field.Name;
                if (IsEmpty(value))
                {
                    written = null;
                }
                else if (!TryConvert(field.Kind, value!, table.FormatTime, out written))
                {
                    continue;
                }
            }
            else
            {
                continue;
            }

            if (!JsonNode.DeepEquals(row[target], written))
            {
                row[target] = written;
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>PHP's <c>empty</c>: null, "", "0", 0, false and an empty array.</summary>
    public static bool IsEmpty(JsonNode? value) => value switch
    {
        null => true,
        JsonArray array => array.Count == 0,
        JsonObject obj => obj.Count == 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) == 0,
        _ => MethodContext.Scalar(value) is "" or "0",
    };

    private static bool TryConvert(ItemFieldKind kind, JsonNode value, Func<DateTimeOffset, string> formatTime, out JsonNode? converted)
    {
        converted = null;
        var text = MethodContext.Scalar(value);
        switch (kind)
        {
            case ItemFieldKind.Integer:
                converted = JsonValue.Create(FieldValues.IntVal(value));
                return true;
            case ItemFieldKind.Number:
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return false;
                }

                converted = JsonValue.Create(number);
                return true;
            case ItemFieldKind.Flag:
                converted = value.GetValueKind() == JsonValueKind.True || text is "true" or "y" or "Y" ? "Y" : "N";
                return true;
            case ItemFieldKind.DateTime:
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                {
                    return false;
                }

                converted = formatTime(date);
                return true;
            case ItemFieldKind.IntegerList:
                converted = new JsonArray([.. PhpJson.AsList(value).Select(FieldValues.IntVal).Where(v => v > 0).Select(v => (JsonNode)v)]);
                return true;
            default:
                converted = text;
                return text is not null;
        }
    }
}
