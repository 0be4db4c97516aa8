using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// Resolves <c>$result[key][field]…</c>, <c>$next[key]</c>, <c>$total[key]</c>, <c>$time[key]…</c> and
/// <c>$error[key]…</c> in a batch command's parameter values, as <c>CRestUtil::processBatchElement</c> does: a
/// reference runs up to the next whitespace; a value that is the whole reference takes the raw value (arrays too);
/// inside text only a string is substituted (a number leaves the reference text as it was). A reference to
/// something that is not there (a row past the end of an earlier list) substitutes nothing: a whole value becomes
/// empty, so a chained <c>&gt;ID</c> filter lists from the start.
/// </summary>
internal static partial class BatchReferences
{
    public static JsonObject Resolve(JsonObject parameters, IReadOnlyDictionary<string, JsonObject> sections)
    {
        var resolved = new JsonObject();
        foreach (var (key, value) in parameters)
        {
            resolved[key] = value switch
            {
                JsonObject child => Resolve(child, sections),
                _ => ResolveValue(FieldText(value), sections),
            };
        }

        return resolved;
    }

    private static JsonNode? ResolveValue(string? text, IReadOnlyDictionary<string, JsonObject> sections)
    {
        if (text is null)
        {
            return null;
        }

        var current = text;
        foreach (Match match in Reference().Matches(text))
        {
            var path = Segment().Matches(match.Groups[2].Value);
            if (path.Count == 0)
            {
                continue;
            }

            JsonNode? target = sections[match.Groups[1].Value.ToLowerInvariant()];
            foreach (Match segment in path)
            {
                target = Child(target, segment.Groups[1].Value);
                if (target is null)
                {
                    break;
                }
            }

            if (match.Value == current)
            {
                return target?.DeepClone() ?? JsonValue.Create("");
            }

            if (target is JsonValue found && found.GetValueKind() == JsonValueKind.String)
            {
                current = current.Replace(match.Value, found.GetValue<string>(), StringComparison.Ordinal);
            }
        }

        return current;
    }

    /// <summary>PHP's <c>isset($r[$key])</c>: a missing key or a null value both stop the walk.</summary>
    private static JsonNode? Child(JsonNode? node, string key) => node switch
    {
        JsonObject obj => obj[key],
        JsonArray array when int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
        _ => null,
    };

    private static string? FieldText(JsonNode? node) => MethodContext.Scalar(node);

    [GeneratedRegex(@"\$(result|next|total|time|error)([^\s]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    [GeneratedRegex(@"\[([^\]]+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex Segment();
}
