using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>PHP's reading of request values: <c>intval</c>, <c>isset</c>, <c>is_array</c>, as the server's methods apply them.</summary>
internal static class PhpValues
{
    /// <summary><c>intval</c>: leading digits of a string ("12abc" is 12, "Y" is 0), true is 1, an array is 1 unless empty.</summary>
    public static long IntVal(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return 0;
            case JsonObject obj:
                return obj.Count > 0 ? 1 : 0;
            case JsonArray array:
                return array.Count > 0 ? 1 : 0;
        }

        var value = node.AsValue();
        if (value.TryGetValue<bool>(out var flag))
        {
            return flag ? 1 : 0;
        }

        if (value.TryGetValue<long>(out var number))
        {
            return number;
        }

        if (value.TryGetValue<double>(out var real))
        {
            return (long)real;
        }

        return IntVal(MethodContext.Scalar(node));
    }

    public static long IntVal(string? text)
    {
        if (text is null)
        {
            return 0;
        }

        var s = text.TrimStart();
        var end = 0;
        if (end < s.Length && (s[end] == '-' || s[end] == '+'))
        {
            end++;
        }

        while (end < s.Length && char.IsAsciiDigit(s[end]))
        {
            end++;
        }

        return long.TryParse(s[..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    public static bool IsArray(JsonNode? node) => node is JsonObject or JsonArray;

    /// <summary>A PHP array's entries as (key, value): a JSON list gives the keys "0", "1", ...</summary>
    public static IEnumerable<KeyValuePair<string, JsonNode?>> Entries(JsonNode? node) => node switch
    {
        JsonObject obj => obj,
        JsonArray array => array.Select((v, i) => KeyValuePair.Create(i.ToString(CultureInfo.InvariantCulture), v)),
        _ => [],
    };

    /// <summary>PHP's <c>(bool)</c>: "", "0", 0, 0.0, false, null and empty arrays are false; "false" and "N" are true.</summary>
    public static bool Truthy(JsonNode? node) => node switch
    {
        null => false,
        JsonObject obj => obj.Count > 0,
        JsonArray array => array.Count > 0,
        JsonValue number when number.GetValueKind() == JsonValueKind.Number =>
            decimal.Parse(number.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) != 0,
        _ => MethodContext.Scalar(node) is { } s && s.Length > 0 && s != "0",
    };

    public static string String(JsonNode? node) => MethodContext.Scalar(node) ?? "";

    /// <summary><c>ArgumentNullException</c> as the REST server answers it.</summary>
    public static RestException ArgumentNull(string parameter) =>
        RestException.InvalidArgument($"Argument '{parameter}' is null or empty", parameter);
}
