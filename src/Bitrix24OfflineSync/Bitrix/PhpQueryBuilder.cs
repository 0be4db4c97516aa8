using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>Writes parameters as PHP's <c>http_build_query</c> does (<c>filter[ID][0]=1</c>), for batch commands.</summary>
internal static class PhpQueryBuilder
{
    public static string Build(JsonObject? parameters)
    {
        var text = new StringBuilder();
        if (parameters is not null)
        {
            foreach (var (name, value) in parameters)
            {
                Append(text, Uri.EscapeDataString(name), value);
            }
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, string prefix, JsonNode? value)
    {
        switch (value)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    Append(text, $"{prefix}%5B{Uri.EscapeDataString(name)}%5D", child);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Append(text, $"{prefix}%5B{i.ToString(CultureInfo.InvariantCulture)}%5D", array[i]);
                }

                break;
            default:
                if (text.Length > 0)
                {
                    text.Append('&');
                }

                text.Append(prefix).Append('=').Append(Uri.EscapeDataString(Scalar(value)));
                break;
        }
    }

    private static string Scalar(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "1" : "0",
        _ => value.ToJsonString(),
    };
}
