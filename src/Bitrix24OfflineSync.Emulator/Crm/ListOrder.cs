using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>A list method's <c>order</c>: field → ASC/DESC, applied in the given order, ties broken by ID ascending.</summary>
internal sealed class ListOrder
{
    private readonly List<(string Field, bool Descending)> _keys;

    private ListOrder(List<(string Field, bool Descending)> keys) => _keys = keys;

    public static ListOrder Parse(JsonNode? order, Func<string, string?> resolveField, string idField)
    {
        var keys = new List<(string Field, bool Descending)>();
        if (order is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                if (resolveField(key.Trim()) is { } field)
                {
                    var direction = (FieldValues.Text(value) ?? "").Trim();
                    keys.Add((field, string.Equals(direction, "DESC", StringComparison.OrdinalIgnoreCase)));
                }
            }
        }

        if (keys.Count == 0)
        {
            keys.Add((idField, false));
        }

        return new ListOrder(keys);
    }

    /// <summary>
    /// True when <paramref name="field"/> is the first key. For a unique field such as ID that order is the field's
    /// order alone: no later key can break a tie.
    /// </summary>
    public bool LeadsWith(string field, out bool descending)
    {
        descending = _keys[0].Descending;
        return _keys[0].Field == field;
    }

    public List<T> Apply<T>(IEnumerable<T> items, Func<T, string, string?> read, Func<T, long> id)
    {
        var list = items.ToList();
        list.Sort((a, b) =>
        {
            foreach (var (field, descending) in _keys)
            {
                var c = FieldValues.CompareNullable(read(a, field), read(b, field));
                if (c != 0)
                {
                    return descending ? -c : c;
                }
            }

            return id(a).CompareTo(id(b));
        });
        return list;
    }
}
