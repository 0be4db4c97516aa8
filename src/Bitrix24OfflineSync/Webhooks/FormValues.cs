using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// A form body's values by canonical key, kept as the checked bytes they came in and decoded when read, so the
/// values nobody reads (a doorbell's access and refresh tokens, endpoints, scope) cost no strings.
/// </summary>
internal sealed class FormValues(byte[] body, Dictionary<string, FormValues.Range> ranges) : IReadOnlyDictionary<string, string>
{
    public int Count => ranges.Count;

    public IEnumerable<string> Keys => ranges.Keys;

    public IEnumerable<string> Values => ranges.Values.Select(Text);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No value for '{key}'.");

    public bool ContainsKey(string key) => ranges.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        if (ranges.TryGetValue(key, out var range))
        {
            value = Text(range);
            return true;
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
        ranges.Select(pair => KeyValuePair.Create(pair.Key, Text(pair.Value))).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private string Text(Range range) => range.Length == 0 ? "" : FormBodyParser.DecodeValue(body.AsSpan(range.Start, range.Length));

    /// <summary>Where a value's encoded bytes are in the body.</summary>
    internal readonly record struct Range(int Start, int Length);
}
