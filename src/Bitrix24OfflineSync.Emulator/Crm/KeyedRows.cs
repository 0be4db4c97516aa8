using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// A table's rows by primary key, with the keys kept in ascending order beside them, so that a range of IDs is read
/// by key in either direction, as the server's primary key serves <c>&gt;ID</c>/<c>&lt;=ID</c> and <c>ORDER BY ID</c>,
/// instead of by visiting every row. IDs only grow, so adding appends; a delete shifts the keys after it.
/// </summary>
internal sealed class KeyedRows
{
    private readonly Dictionary<long, JsonObject> _byKey = [];
    private readonly List<long> _keys = [];

    public int Count => _byKey.Count;

    /// <summary>The keys, ascending; valid until the next change.</summary>
    public IReadOnlyList<long> Keys => _keys;

    /// <summary>Every row, by ascending key.</summary>
    public IEnumerable<JsonObject> Values => Range(long.MinValue, long.MaxValue, descending: false);

    public bool ContainsKey(long key) => _byKey.ContainsKey(key);

    public bool TryGetValue(long key, [MaybeNullWhen(false)] out JsonObject row) => _byKey.TryGetValue(key, out row);

    public void Add(long key, JsonObject row)
    {
        if (!_byKey.TryAdd(key, row))
        {
            throw new ArgumentException($"Key {key} exists already.", nameof(key));
        }

        if (_keys.Count == 0 || _keys[^1] < key)
        {
            _keys.Add(key);
        }
        else
        {
            _keys.Insert(~_keys.BinarySearch(key), key);
        }
    }

    public bool Remove(long key)
    {
        if (!_byKey.Remove(key))
        {
            return false;
        }

        _keys.RemoveAt(_keys.BinarySearch(key));
        return true;
    }

    /// <summary>The rows whose keys lie from <paramref name="low"/> to <paramref name="high"/>, both included, in key order.</summary>
    public IEnumerable<JsonObject> Range(long low, long high, bool descending)
    {
        if (low > high)
        {
            yield break;
        }

        // [first, end) are the indexes of the keys in range.
        var first = FirstIndex(k => k >= low);
        var end = FirstIndex(k => k > high);
        if (descending)
        {
            for (var i = end - 1; i >= first; i--)
            {
                yield return _byKey[_keys[i]];
            }
        }
        else
        {
            for (var i = first; i < end; i++)
            {
                yield return _byKey[_keys[i]];
            }
        }
    }

    /// <summary>The index of the first key that satisfies <paramref name="from"/>, which holds for every key after it too (the count when none does).</summary>
    private int FirstIndex(Func<long, bool> from)
    {
        var (lo, hi) = (0, _keys.Count);
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (from(_keys[mid]))
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }
}
