using System.Globalization;
using Bitrix24OfflineSync.Emulator.Methods;

namespace Bitrix24OfflineSync.Emulator.Queue;

/// <summary>How a column of the offline table compares: numbers as numbers, times by the second, text case-insensitively as MySQL's collation does.</summary>
internal static class OfflineFields
{
    public static int Compare(OfflineEventRow row, string field, string value) => field switch
    {
        "ID" => row.Id.CompareTo(PhpValues.IntVal(value)),
        "ERROR" => (row.Error ? 1L : 0L).CompareTo(PhpValues.IntVal(value)),
        "TIMESTAMP_X" => row.TimestampX.ToUnixTimeSeconds().CompareTo(PhpValues.IntVal(value)),
        _ => string.Compare(Text(row, field), value, StringComparison.OrdinalIgnoreCase),
    };

    public static int Compare(OfflineEventRow a, OfflineEventRow b, string field) => field switch
    {
        "ID" => a.Id.CompareTo(b.Id),
        "ERROR" => a.Error.CompareTo(b.Error),
        "TIMESTAMP_X" => a.TimestampX.CompareTo(b.TimestampX),
        _ => string.Compare(Text(a, field), Text(b, field), StringComparison.OrdinalIgnoreCase),
    };

    public static string Text(OfflineEventRow row, string field) => field switch
    {
        "ID" => row.Id.ToString(CultureInfo.InvariantCulture),
        "ERROR" => row.Error ? "1" : "0",
        "TIMESTAMP_X" => row.TimestampX.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        "EVENT_NAME" => row.EventName,
        "MESSAGE_ID" => row.MessageId,
        "PROCESS_ID" => row.ProcessId,
        _ => "",
    };
}
