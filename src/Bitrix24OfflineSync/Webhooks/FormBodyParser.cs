using System.Text;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// Parses <c>application/x-www-form-urlencoded</c> bytes with PHP's key rules (<c>a[b][c]</c> nests, <c>a[]</c>
/// appends, a later duplicate wins), strictly: bad percent-escapes, invalid UTF-8 and broken limits are errors.
/// </summary>
internal static class FormBodyParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Dictionary<string, string> Parse(ReadOnlySpan<byte> body)
    {
        var values = new Dictionary<string, string>(Math.Min(body.Count((byte)'&') + 1, BodyLimits.MaxKeys), StringComparer.Ordinal);
        Dictionary<string, int>? appendCounters = null;
        var pairs = 0;
        while (!body.IsEmpty)
        {
            var amp = body.IndexOf((byte)'&');
            var pair = amp < 0 ? body : body[..amp];
            body = amp < 0 ? [] : body[(amp + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            if (++pairs > BodyLimits.MaxKeys)
            {
                throw new MalformedBodyException(StatusCodes.Status400BadRequest, $"more than {BodyLimits.MaxKeys} keys");
            }

            var eq = pair.IndexOf((byte)'=');
            var key = Decode(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Decode(pair[(eq + 1)..]);
            if (key.Length == 0)
            {
                continue;
            }

            if (key.Length > BodyLimits.MaxKeyLength)
            {
                throw new MalformedBodyException(StatusCodes.Status400BadRequest, "a key is too long");
            }

            values[Canonical(key, ref appendCounters)] = value;
        }

        return values;
    }

    /// <summary>Rewrites <c>a[]</c> segments to explicit indexes and checks the depth.</summary>
    private static string Canonical(string key, ref Dictionary<string, int>? appendCounters)
    {
        var open = key.IndexOf('[', StringComparison.Ordinal);
        if (open <= 0 || !key.EndsWith(']'))
        {
            return key;
        }

        if (IsExplicit(key.AsSpan(open)) is { } depth)
        {
            // Every segment named (auth[member_id]): the key is already canonical.
            return depth + 1 > BodyLimits.MaxDepth
                ? throw new MalformedBodyException(StatusCodes.Status400BadRequest, $"keys nested deeper than {BodyLimits.MaxDepth}")
                : key;
        }

        var path = new List<string> { key[..open] };
        var rest = key.AsSpan(open);
        while (!rest.IsEmpty)
        {
            var close = rest.IndexOf(']');
            if (rest[0] != '[' || close < 0)
            {
                // Not PHP-shaped after all: keep the key as it came.
                return key;
            }

            var segment = rest[1..close].ToString();
            if (segment.Length == 0)
            {
                var prefix = EventPayload.Key(path);
                appendCounters ??= new Dictionary<string, int>(StringComparer.Ordinal);
                appendCounters.TryGetValue(prefix, out var next);
                appendCounters[prefix] = next + 1;
                segment = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            path.Add(segment);
            rest = rest[(close + 1)..];
        }

        return path.Count > BodyLimits.MaxDepth
            ? throw new MalformedBodyException(StatusCodes.Status400BadRequest, $"keys nested deeper than {BodyLimits.MaxDepth}")
            : EventPayload.Key(path);
    }

    /// <summary>
    /// The number of segments when <paramref name="rest"/> is all <c>[name]</c> segments, none empty; null when a
    /// segment appends (<c>[]</c>) or the shape is not PHP's (both handled by the general path).
    /// </summary>
    private static int? IsExplicit(ReadOnlySpan<char> rest)
    {
        var segments = 0;
        while (!rest.IsEmpty)
        {
            var close = rest.IndexOf(']');
            if (rest[0] != '[' || close <= 1 || rest[1..close].Contains('['))
            {
                return null;
            }

            segments++;
            rest = rest[(close + 1)..];
        }

        return segments;
    }

    private static string Decode(ReadOnlySpan<byte> encoded)
    {
        Span<byte> buffer = encoded.Length <= 512 ? stackalloc byte[encoded.Length] : new byte[encoded.Length];
        var length = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var b = encoded[i];
            if (b == '+')
            {
                buffer[length++] = (byte)' ';
            }
            else if (b == '%')
            {
                if (i + 2 >= encoded.Length || !IsHex(encoded[i + 1]) || !IsHex(encoded[i + 2]))
                {
                    throw new MalformedBodyException(StatusCodes.Status400BadRequest, "a bad percent-escape");
                }

                buffer[length++] = (byte)((HexValue(encoded[i + 1]) << 4) | HexValue(encoded[i + 2]));
                i += 2;
            }
            else
            {
                buffer[length++] = b;
            }
        }

        try
        {
            return StrictUtf8.GetString(buffer[..length]);
        }
        catch (DecoderFallbackException)
        {
            throw new MalformedBodyException(StatusCodes.Status400BadRequest, "invalid UTF-8");
        }
    }

    private static bool IsHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F');

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
