using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// Field values as the server keeps them: strings. Comparisons follow what the SQL behind a list does for the
/// field: numbers compare as numbers, dates as dates, text case-insensitively (the MySQL collation).
/// </summary>
internal static class FieldValues
{
    public static string? Text(JsonNode? node) => MethodContext.Scalar(node);

    /// <summary>PHP <c>intval</c>: leading digits count, anything else is 0.</summary>
    public static long IntVal(JsonNode? node)
    {
        var text = (Text(node) ?? "").Trim();
        var end = 0;
        if (end < text.Length && text[end] is '-' or '+')
        {
            end++;
        }

        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return long.TryParse(text[..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    /// <summary>A user field value: scalars as strings, multiple values as a list of strings.</summary>
    public static JsonNode? UserField(JsonNode? node) => node switch
    {
        JsonArray or JsonObject => new JsonArray([.. PhpJson.AsList(node).Select(v => (JsonNode?)Text(v))]),
        _ => Text(node),
    };

    /// <summary>Money as the server prints it: two decimals.</summary>
    public static string? Money(string? text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value.ToString("0.00", CultureInfo.InvariantCulture)
            : text;

    public static bool Same(string? a, string? b) => Compare(a ?? "", b ?? "") == 0;

    public static int Compare(string a, string b)
    {
        if (TryNumber(a, out var x) && TryNumber(b, out var y))
        {
            return x.CompareTo(y);
        }

        if (LooksLikeDate(a) && LooksLikeDate(b) &&
            DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d1) &&
            DateTimeOffset.TryParse(b, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d2))
        {
            return d1.CompareTo(d2);
        }

        return string.Compare(a, b, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A value that compares as a number: both sides of a comparison must be one, else they compare as text.</summary>
    public static bool TryNumber(string? text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>A null sorts first, as NULL does in MySQL's ascending order.</summary>
    public static int CompareNullable(string? a, string? b) =>
        a is null ? (b is null ? 0 : -1) : b is null ? 1 : Compare(a, b);

    private static bool LooksLikeDate(string text) => text.Length >= 10 && text[4] == '-' && text[7] == '-';
}
