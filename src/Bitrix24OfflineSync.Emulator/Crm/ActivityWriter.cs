using System.Globalization;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// Writes a caller's activity fields into a row: exact UPPER_CASE names, server-kept fields ignored, times turned into
/// the portal's zone, and what follows from them derived: <c>STATUS</c> from <c>COMPLETED</c> (2 done, 1 waiting),
/// <c>DEADLINE</c> from the start of a call or meeting and the end of anything else (crm-activity-add.md).
/// </summary>
internal static class ActivityWriter
{
    public static void Apply(JsonObject row, JsonObject fields, Func<DateTimeOffset, string> formatTime)
    {
        foreach (var (name, value) in fields)
        {
            if (!ActivityFields.IsWritable(name))
            {
                continue;
            }

            if (ActivityFields.Arrays.Contains(name))
            {
                row[name] = value is JsonObject or JsonArray ? value.DeepClone() : new JsonArray();
                continue;
            }

            var text = FieldValues.Text(value);
            if (ActivityFields.Dates.Contains(name) &&
                DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                text = formatTime(time);
            }
            else if (name == "COMPLETED")
            {
                text = string.Equals(text, "Y", StringComparison.OrdinalIgnoreCase) ? "Y" : "N";
            }

            row[name] = text;
        }
    }

    public static void Derive(JsonObject row)
    {
        row["STATUS"] = FieldValues.Text(row["COMPLETED"]) == "Y" ? "2" : "1";
        row["DEADLINE"] = FieldValues.Text(row["TYPE_ID"]) is "1" or ActivityFields.Call
            ? row["START_TIME"]?.DeepClone()
            : row["END_TIME"]?.DeepClone();
    }
}
