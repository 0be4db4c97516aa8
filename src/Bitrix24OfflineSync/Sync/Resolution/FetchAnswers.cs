using System.Globalization;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>Reads what list and get answers hold: rows, the object, an object's id, the source's times.</summary>
internal static class FetchAnswers
{
    /// <summary>ISO 8601 with an explicit offset, as the server writes <c>DATE_MODIFY</c>; a time without one is ambiguous.</summary>
    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];

    /// <summary>A list answer's rows: the result itself, or the array under <paramref name="key"/>; null when neither.</summary>
    public static JsonArray? Rows(JsonNode? result, string? key) => (key is null ? result : Child(result, key)) switch
    {
        JsonArray rows => rows,

        // An empty PHP array may be written as [] where an object was expected, and the reverse for keyed rows.
        JsonObject { Count: 0 } => [],
        _ => null,
    };

    /// <summary>A get answer's object: the result itself, or the object under <paramref name="key"/>.</summary>
    public static JsonObject? Single(JsonNode? result, string? key) => (key is null ? result : Child(result, key)) as JsonObject;

    /// <summary>An object's id as text, its field named <paramref name="idField"/> ignoring case (tasks answer <c>id</c>).</summary>
    public static string? Id(JsonObject row, string idField)
    {
        var value = row.TryGetPropertyValue(idField, out var exact)
            ? exact
            : row.FirstOrDefault(p => string.Equals(p.Key, idField, StringComparison.OrdinalIgnoreCase)).Value;
        return value is JsonValue ? value.ToString().Trim() : null;
    }

    /// <summary>An object's id as a number (what a keyset range counts in); null when it is not a whole number.</summary>
    public static long? NumericId(JsonObject row, string idField) =>
        long.TryParse(Id(row, idField), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>The time in <paramref name="field"/> of <paramref name="state"/>; null when absent or not ISO 8601 with an offset.</summary>
    public static DateTimeOffset? Time(JsonObject state, string? field) =>
        field is not null && state[field] is JsonValue value ? Time(value.ToString()) : null;

    public static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParseExact(text?.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    private static JsonNode? Child(JsonNode? result, string key) => result is JsonObject obj ? obj[key] : null;
}
