using Bitrix24OfflineSync.Emulator.Methods;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Queue;

/// <summary>
/// The <c>order</c> after <c>IRestService::sanitizeOrder</c>. Rows equal on every ordered field keep ID order: the
/// server leaves such ties unordered, and a fixed order keeps tests reproducible.
/// </summary>
internal sealed class OfflineOrder : IComparer<OfflineEventRow>
{
    private readonly IReadOnlyList<(string Field, bool Descending)> _fields;

    private OfflineOrder(IReadOnlyList<(string Field, bool Descending)> fields) => _fields = fields;

    /// <summary>The default order of a reservation: TIMESTAMP_X ascending, ties in ID order.</summary>
    public bool IsTimestampAscending => _fields is [("TIMESTAMP_X", false)];

    public static OfflineOrder By(string field) => new([(field, false)]);

    public static OfflineOrder Parse(System.Text.Json.Nodes.JsonNode? order, IReadOnlyList<string> fields)
    {
        if (!PhpValues.IsArray(order))
        {
            throw RestException.InvalidArgument("The order is not an array.");
        }

        var result = new List<(string, bool)>();
        foreach (var (rawKey, value) in PhpValues.Entries(order))
        {
            if (long.TryParse(rawKey, out _))
            {
                var named = PhpValues.String(value);
                if (!fields.Contains(named))
                {
                    throw RestException.InvalidArgument("Order field not allowed: " + named);
                }

                result.Add((named, false));
                continue;
            }

            var key = rawKey.ToUpperInvariant();
            if (!fields.Contains(key))
            {
                throw RestException.InvalidArgument("Order field not allowed: " + key);
            }

            var direction = PhpValues.String(value).ToUpperInvariant();
            if (direction is not ("ASC" or "DESC"))
            {
                throw RestException.InvalidArgument("Order direction should be one of {ASC|DESC}");
            }

            result.Add((key, direction == "DESC"));
        }

        return new OfflineOrder(result);
    }

    public int Compare(OfflineEventRow? x, OfflineEventRow? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        foreach (var (field, descending) in _fields)
        {
            var c = OfflineFields.Compare(x, y, field);
            if (c != 0)
            {
                return descending ? -c : c;
            }
        }

        return x.Id.CompareTo(y.Id);
    }
}
