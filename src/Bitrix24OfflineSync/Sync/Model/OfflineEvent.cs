using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Sync.Model;

/// <summary>One row of the portal's offline queue as <c>event.offline.get</c> returns it.</summary>
internal sealed record OfflineEvent(long Id, string EventName, JsonNode? Data, string MessageId, string? Timestamp)
{
    /// <summary>Reads one item of the <c>events</c> list; null when it lacks the fields every row has.</summary>
    public static OfflineEvent? From(JsonNode? item)
    {
        if (item is not JsonObject row || row["MESSAGE_ID"]?.ToString() is not { Length: > 0 } messageId || row["EVENT_NAME"]?.ToString() is not { Length: > 0 } name)
        {
            return null;
        }

        _ = long.TryParse(row["ID"]?.ToString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var id);
        return new OfflineEvent(id, name.ToUpperInvariant(), row["EVENT_DATA"]?.DeepClone(), messageId, row["TIMESTAMP_X"]?.ToString());
    }
}
