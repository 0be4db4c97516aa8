using System.Globalization;
using System.Text.Json;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>Flattens a JSON event body to the same PHP-style keys a form body gives, within the same limits.</summary>
internal static class JsonBodyParser
{
    public static Dictionary<string, string> Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = BodyLimits.MaxDepth + 1 });
        }
        catch (JsonException ex)
        {
            throw new MalformedBodyException(StatusCodes.Status400BadRequest, ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"JSON nested deeper than {BodyLimits.MaxDepth}"
                : "invalid JSON");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new MalformedBodyException(StatusCodes.Status400BadRequest, "the JSON body is not an object");
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            try
            {
                Flatten(document.RootElement, [], values);
            }
            catch (InvalidOperationException)
            {
                // Valid JSON need not spell valid strings: a lone surrogate escape (\ud800) or invalid UTF-8 inside a
                // key or a value has no string to give, and the reader says so only when the text is asked for.
                throw new MalformedBodyException(StatusCodes.Status400BadRequest, "a key or value that is not valid Unicode");
            }

            return values;
        }
    }

    private static void Flatten(JsonElement element, List<string> path, Dictionary<string, string> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Descend(property.Value, path, property.Name, values);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Descend(item, path, index++.ToString(CultureInfo.InvariantCulture), values);
                }

                break;
            default:
                if (values.Count >= BodyLimits.MaxKeys)
                {
                    throw new MalformedBodyException(StatusCodes.Status400BadRequest, $"more than {BodyLimits.MaxKeys} keys");
                }

                values[EventPayload.Key(path)] = element.ValueKind switch
                {
                    JsonValueKind.String => element.GetString()!,
                    JsonValueKind.True => "1",
                    JsonValueKind.False or JsonValueKind.Null => "",
                    _ => element.GetRawText(),
                };
                break;
        }
    }

    private static void Descend(JsonElement child, List<string> path, string name, Dictionary<string, string> values)
    {
        if (name.Length > BodyLimits.MaxKeyLength)
        {
            throw new MalformedBodyException(StatusCodes.Status400BadRequest, "a key is too long");
        }

        path.Add(name);
        Flatten(child, path, values);
        path.RemoveAt(path.Count - 1);
    }
}
