using System.Globalization;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// One page of a list over keyed rows, read as the server's SQL reads it: the rows an ID filter names (<c>ID</c>,
/// <c>@ID</c>) or bounds (<c>&gt;ID</c>, <c>&lt;=ID</c>, …) are found by key, and an order that starts with ID is the
/// key order itself, so a keyset page (<c>start=-1</c>) or the newest-ID probe reads only the rows it answers. Any
/// other order sorts what matched; counting the total still visits every match, as the server's count does. The key is
/// <c>ID</c> in the classic tables and <c>id</c> in the universal API's; its values may be strings or numbers.
/// </summary>
internal static class ListQuery
{
    public const string IdField = "ID";

    public static (List<JsonObject> Page, int Total) Run(
        KeyedRows rows,
        ListFilter filter,
        ListOrder order,
        Func<JsonObject, string, IReadOnlyList<string?>> values,
        int start,
        int pageSize,
        bool countTotal,
        string idField = IdField)
    {
        bool Matches(JsonObject row) => filter.Matches(field => values(row, field));

        if (!order.LeadsWith(idField, out var descending))
        {
            var sorted = order.Apply(Candidates(rows, filter, idField, descending: false).Where(Matches), Read, row => FieldValues.IntVal(row[idField]));
            return ([.. sorted.Skip(start).Take(pageSize)], sorted.Count);
        }

        var page = new List<JsonObject>();
        var total = 0;
        foreach (var row in Candidates(rows, filter, idField, descending).Where(Matches))
        {
            if (total >= start && page.Count < pageSize)
            {
                page.Add(row);
            }

            total++;
            if (!countTotal && page.Count == pageSize)
            {
                break;
            }
        }

        return (page, countTotal ? total : 0);
    }

    /// <summary>The rows an ID filter leaves to look at, in key order; every row when it leaves all of them.</summary>
    private static IEnumerable<JsonObject> Candidates(KeyedRows rows, ListFilter filter, string idField, bool descending)
    {
        var (low, high) = filter.IntegerSpan(idField);
        if (filter.AllowedValues(idField) is not { } ids || Keys(ids) is not { } keys)
        {
            return rows.Range(low, high, descending);
        }

        var wanted = keys.Where(k => k >= low && k <= high).Distinct();
        return (descending ? wanted.OrderDescending() : wanted.Order())
            .Select(k => rows.TryGetValue(k, out var row) ? row : null)
            .OfType<JsonObject>();
    }

    /// <summary>An ID list as keys; null when an entry is not plain digits, since it then compares as text or as a decimal.</summary>
    private static List<long>? Keys(IReadOnlyList<string?> ids)
    {
        var keys = new List<long>(ids.Count);
        foreach (var id in ids)
        {
            if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var key))
            {
                return null;
            }

            keys.Add(key);
        }

        return keys;
    }

    private static string? Read(JsonObject row, string field) => FieldValues.Text(row[field]);
}
