using System.Text;
using System.Text.Unicode;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// Parses <c>application/x-www-form-urlencoded</c> bytes with PHP's key rules (<c>a[b][c]</c> nests, <c>a[]</c>
/// appends, a later duplicate wins), strictly: bad percent-escapes, invalid UTF-8 and broken limits are errors.
/// </summary>
internal static class FormBodyParser
{
    /// <summary>
    /// The keys of Bitrix24's event POSTs, by the length of each spelling they arrive in (brackets as they are or
    /// escaped, as PHP's <c>http_build_query</c> writes them): such a key is given as its canonical string, neither
    /// decoded nor made anew, so a doorbell's dozen keys cost no strings.
    /// </summary>
    private static readonly (byte[] Spelling, string Key)[][] EventKeysByLength = ByLength(
        "event", "event_handler_id", "ts", "data",
        "auth[access_token]", "auth[expires]", "auth[expires_in]", "auth[scope]", "auth[domain]", "auth[server_endpoint]", "auth[status]",
        "auth[client_endpoint]", "auth[member_id]", "auth[user_id]", "auth[refresh_token]", "auth[application_token]",
        "data[VERSION]", "data[ACTIVE]", "data[INSTALLED]", "data[LANGUAGE_ID]", "data[CLEAN]");

    /// <summary>
    /// The body's values under their canonical keys. Every value is checked here (escapes, UTF-8) but decoded only
    /// when read: a doorbell reads three of its dozen.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(ReadOnlySpan<byte> body)
    {
        var copy = body.ToArray();
        var values = new FormValues(copy, Math.Min(body.Count((byte)'&') + 1, BodyLimits.MaxKeys));
        Dictionary<string, int>? appendCounters = null;
        var pairs = 0;
        var at = 0;
        while (at < copy.Length)
        {
            var rest = copy.AsSpan(at);
            var amp = rest.IndexOf((byte)'&');
            var pair = amp < 0 ? rest : rest[..amp];
            var pairStart = at;
            at += pair.Length + 1;
            if (pair.IsEmpty)
            {
                continue;
            }

            if (++pairs > BodyLimits.MaxKeys)
            {
                throw new MalformedBodyException(StatusCodes.Status400BadRequest, $"more than {BodyLimits.MaxKeys} keys");
            }

            var eq = pair.IndexOf((byte)'=');
            var encodedKey = eq < 0 ? pair : pair[..eq];
            var eventKey = EventKey(encodedKey);
            var key = eventKey ?? Decode(encodedKey);
            var value = eq < 0 ? new FormValues.Range(pairStart + pair.Length, 0) : new FormValues.Range(pairStart + eq + 1, pair.Length - eq - 1);
            Check(copy.AsSpan(value.Start, value.Length));
            if (key.Length == 0)
            {
                continue;
            }

            if (key.Length > BodyLimits.MaxKeyLength)
            {
                throw new MalformedBodyException(StatusCodes.Status400BadRequest, "a key is too long");
            }

            values.Set(eventKey ?? Canonical(key, ref appendCounters), value);
        }

        return values;
    }

    /// <summary>A value <see cref="Check"/> passed, decoded.</summary>
    internal static string DecodeValue(ReadOnlySpan<byte> encoded) => Decode(encoded);

    /// <summary>Throws what <see cref="Decode"/> would, without making the string.</summary>
    private static void Check(ReadOnlySpan<byte> encoded)
    {
        // A '+' is a space: without a '%', the bytes are as valid decoded as they are here.
        if (!encoded.Contains((byte)'%'))
        {
            ThrowUnlessUtf8(encoded);
            return;
        }

        Span<byte> buffer = encoded.Length <= 512 ? stackalloc byte[encoded.Length] : new byte[encoded.Length];
        ThrowUnlessUtf8(buffer[..Unescape(encoded, buffer)]);
    }

    private static void ThrowUnlessUtf8(ReadOnlySpan<byte> decoded)
    {
        if (!Utf8.IsValid(decoded))
        {
            throw new MalformedBodyException(StatusCodes.Status400BadRequest, "invalid UTF-8");
        }
    }

    /// <summary>The canonical key when <paramref name="encoded"/> spells one of <see cref="EventKeysByLength"/>.</summary>
    private static string? EventKey(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length >= EventKeysByLength.Length)
        {
            return null;
        }

        foreach (var (spelling, key) in EventKeysByLength[encoded.Length])
        {
            if (encoded.SequenceEqual(spelling))
            {
                return key;
            }
        }

        return null;
    }

    private static (byte[] Spelling, string Key)[][] ByLength(params string[] keys)
    {
        var spellings = keys
            .SelectMany(key => new[]
                {
                    key,
                    key.Replace("[", "%5B", StringComparison.Ordinal).Replace("]", "%5D", StringComparison.Ordinal),
                    key.Replace("[", "%5b", StringComparison.Ordinal).Replace("]", "%5d", StringComparison.Ordinal),
                }
                .Distinct()
                .Select(spelling => (Spelling: Encoding.ASCII.GetBytes(spelling), Key: key)))
            .ToList();
        var byLength = new (byte[] Spelling, string Key)[spellings.Max(s => s.Spelling.Length) + 1][];
        for (var length = 0; length < byLength.Length; length++)
        {
            byLength[length] = [.. spellings.Where(s => s.Spelling.Length == length)];
        }

        return byLength;
    }

    /// <summary>Percent-decodes and reads UTF-8 strictly.</summary>
    private static string Decode(ReadOnlySpan<byte> encoded)
    {
        // Most values (tokens, ids, names) have nothing to decode and are read where they are.
        if (encoded.IndexOfAny((byte)'%', (byte)'+') < 0)
        {
            ThrowUnlessUtf8(encoded);
            return Encoding.UTF8.GetString(encoded);
        }

        Span<byte> buffer = encoded.Length <= 512 ? stackalloc byte[encoded.Length] : new byte[encoded.Length];
        var decoded = buffer[..Unescape(encoded, buffer)];
        ThrowUnlessUtf8(decoded);
        return Encoding.UTF8.GetString(decoded);
    }

    /// <summary>Writes the bytes <paramref name="encoded"/> stands for (<c>+</c> a space, <c>%XX</c> a byte) and answers how many.</summary>
    private static int Unescape(ReadOnlySpan<byte> encoded, Span<byte> buffer)
    {
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

        return length;
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

    private static bool IsHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F');

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
