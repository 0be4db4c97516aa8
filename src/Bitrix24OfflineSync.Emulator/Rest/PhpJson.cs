using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Rest;

/// <summary>
/// The server is PHP: its data are PHP arrays. An array with keys 0..n-1 is a JSON list, an empty one is <c>[]</c>,
/// and <c>Json::encode</c> escapes slashes and non-ASCII. This class gives JSON those PHP shapes.
/// </summary>
public static class PhpJson
{
    /// <summary>Returns a copy shaped as PHP would serialize it: sequential-key objects become lists, empty objects <c>[]</c>.</summary>
    public static JsonNode? Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (IsList(obj))
                {
                    var list = new JsonArray();
                    foreach (var (_, child) in obj)
                    {
                        list.Add(Normalize(child));
                    }

                    return list;
                }

                var copy = new JsonObject();
                foreach (var (name, child) in obj)
                {
                    copy[name] = Normalize(child);
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var child in array)
                {
                    items.Add(Normalize(child));
                }

                return items;
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>
    /// The PHP shape of an object the caller owns and whose values are in PHP's shape already: a list, with its values
    /// moved rather than copied, when its keys are 0..n-1 (so <c>[]</c> when it is empty); otherwise the object itself.
    /// </summary>
    public static JsonNode ShapeOwned(JsonObject owned)
    {
        ArgumentNullException.ThrowIfNull(owned);
        if (!IsList(owned))
        {
            return owned;
        }

        var values = owned.Select(p => p.Value).ToList();
        owned.Clear();
        return new JsonArray([.. values]);
    }

    /// <summary>Bitrix\Main\Web\Json::encode: slashes escaped, non-ASCII as \uXXXX, HEX_TAG/AMP/APOS/QUOT.</summary>
    public static string Encode(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(Normalize(node), sb);
        return sb.ToString();
    }

    /// <summary>Reads a value that may be a list or a PHP array with numeric keys (as form bodies give).</summary>
    public static IReadOnlyList<JsonNode?> AsList(JsonNode? node) => node switch
    {
        JsonArray array => [.. array],
        JsonObject obj => [.. obj.Select(p => p.Value)],
        null => [],
        _ => [node],
    };

    private static bool IsList(JsonObject obj)
    {
        if (obj.Count == 0)
        {
            return true;
        }

        var i = 0;
        foreach (var (name, _) in obj)
        {
            if (name != i.ToString(CultureInfo.InvariantCulture))
            {
                return false;
            }

            i++;
        }

        return true;
    }

    private static void Write(JsonNode? node, StringBuilder sb)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Write(array[i], sb);
                }

                sb.Append(']');
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (name, child) in obj)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    WriteString(name, sb);
                    sb.Append(':');
                    Write(child, sb);
                }

                sb.Append('}');
                break;
            case JsonValue value when value.TryGetValue<string>(out var s):
                WriteString(s, sb);
                break;
            default:
                sb.Append(node.ToJsonString());
                break;
        }
    }

    private static void WriteString(string s, StringBuilder sb)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\u0022"); break;
                case '\\': sb.Append("\\\\"); break;
                case '/': sb.Append("\\/"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '<': sb.Append("\\u003C"); break;
                case '>': sb.Append("\\u003E"); break;
                case '&': sb.Append("\\u0026"); break;
                case '\'': sb.Append("\\u0027"); break;
                default:
                    if (c < 0x20 || c > 0x7f)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
