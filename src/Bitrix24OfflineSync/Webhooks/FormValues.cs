using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// A form body's values by canonical key, kept as the checked bytes they came in and decoded when read, so the
/// values nobody reads (a doorbell's access and refresh tokens, endpoints, scope) cost no strings. An event's dozen
/// keys are looked up in order, without hashing; a body with more of them gets an index.
/// </summary>
internal sealed class FormValues : IReadOnlyDictionary<string, string>
{
    private const int LinearUpTo = 16;

    private readonly byte[] _body;
    private readonly string[] _keys;
    private readonly Range[] _ranges;
    private int _count;
    private Dictionary<string, int>? _index;

    /// <summary>Room for <paramref name="capacity"/> keys, at least as many as the body has pairs.</summary>
    public FormValues(byte[] body, int capacity)
    {
        _body = body;
        _keys = new string[capacity];
        _ranges = new Range[capacity];
    }

    public int Count => _count;

    public IEnumerable<string> Keys => _keys.Take(_count);

    public IEnumerable<string> Values => _ranges.Take(_count).Select(Text);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No value for '{key}'.");

    /// <summary>Sets a key's value; a later duplicate replaces the earlier one, as in PHP.</summary>
    public void Set(string key, Range range)
    {
        var at = IndexOf(key);
        if (at >= 0)
        {
            _ranges[at] = range;
            return;
        }

        _keys[_count] = key;
        _ranges[_count] = range;
        _index?.Add(key, _count);
        _count++;
        if (_index is null && _count > LinearUpTo)
        {
            _index = new Dictionary<string, int>(_keys.Length, StringComparer.Ordinal);
            for (var i = 0; i < _count; i++)
            {
                _index.Add(_keys[i], i);
            }
        }
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var at = IndexOf(key);
        value = at >= 0 ? Text(_ranges[at]) : null;
        return at >= 0;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return KeyValuePair.Create(_keys[i], Text(_ranges[i]));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        if (_index is not null)
        {
            return _index.TryGetValue(key, out var at) ? at : -1;
        }

        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_keys[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private string Text(Range range) => range.Length == 0 ? "" : FormBodyParser.DecodeValue(_body.AsSpan(range.Start, range.Length));

    /// <summary>Where a value's encoded bytes are in the body.</summary>
    internal readonly record struct Range(int Start, int Length);
}
