using System.Text;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Rest;

/// <summary>
/// Reads <c>application/x-www-form-urlencoded</c> text the way PHP fills <c>$_POST</c>: <c>a[b][c]=1</c> nests,
/// <c>a[]=1</c> appends, every value is a string, and a later duplicate key wins.
/// </summary>
public static class PhpQuery
{
    public static JsonObject Parse(string query)
    {
        var root = new JsonObject();
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var rawKey = eq < 0 ? pair : pair[..eq];
            var rawValue = eq < 0 ? "" : pair[(eq + 1)..];
            Add(root, Decode(rawKey), Decode(rawValue));
        }

        return root;
    }

    /// <summary>Writes a tree back as PHP-style pairs, as <c>http_build_query</c> does.</summary>
    public static string Build(JsonNode? node)
    {
        var parts = new List<string>();
        Flatten(node, null, parts);
        return string.Join('&', parts);
    }

    /// <summary>Splits a key like <c>a[b][]</c> into <c>a</c>, <c>b</c>, <c>""</c>; null when it is not PHP-shaped.</summary>
    public static List<string> SplitKey(string key)
    {
        var open = key.IndexOf('[', StringComparison.Ordinal);
        if (open <= 0)
        {
            return [key];
        }

        var segments = new List<string> { key[..open] };
        var i = open;
        while (i < key.Length && key[i] == '[')
        {
            var close = key.IndexOf(']', i);
            if (close < 0)
            {
                break;
            }

            segments.Add(key[(i + 1)..close]);
            i = close + 1;
        }

        return segments;
    }

    public static void Add(JsonObject root, string key, JsonNode? value)
    {
        var segments = SplitKey(key);
        JsonNode container = root;
        for (var s = 0; s < segments.Count; s++)
        {
            var last = s == segments.Count - 1;
            var segment = segments[s];
            var obj = (JsonObject)container;
            if (segment.Length == 0)
            {
                segment = NextIndex(obj).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (last)
            {
                obj[segment] = value;
                return;
            }

            if (obj[segment] is not JsonObject child)
            {
                child = [];
                obj[segment] = child;
            }

            container = child;
        }
    }

    private static int NextIndex(JsonObject obj)
    {
        var max = -1;
        foreach (var (name, _) in obj)
        {
            if (int.TryParse(name, out var n) && n > max)
            {
                max = n;
            }
        }

        return max + 1;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static void Flatten(JsonNode? node, string? prefix, List<string> parts)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    Flatten(child, prefix is null ? name : $"{prefix}[{name}]", parts);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Flatten(array[i], $"{prefix}[{i}]", parts);
                }

                break;
            default:
                if (prefix is not null)
                {
                    parts.Add($"{Uri.EscapeDataString(prefix)}={Uri.EscapeDataString(Scalar(node))}");
                }

                break;
        }
    }

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "1" : "0",
        _ => node.ToJsonString(),
    };

    internal static string Encode(string text) => Uri.EscapeDataString(text).Replace("%20", "+", StringComparison.Ordinal);

    internal static string Join(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in pairs)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            sb.Append(Encode(k)).Append('=').Append(Encode(v));
        }

        return sb.ToString();
    }
}
