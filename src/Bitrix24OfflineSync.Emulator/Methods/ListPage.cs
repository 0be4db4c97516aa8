using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// Which page of 50 a list's <c>start</c> asks for, as <c>IRestService::getNavData</c> and the REST engine read it:
/// <c>start</c> is rounded down to a page (<c>intval(start/50)+1</c>, so 75 reads rows 50–99); <c>-1</c> reads the
/// first page without counting the selection (the answer says <c>"total":0</c> and has no <c>next</c>); any other
/// negative start reads the first page.
/// </summary>
internal readonly record struct ListPage(int Offset, bool CountsTotal)
{
    public const int Size = 50;

    /// <summary>The start that asks for no count (<c>RestManager::DONT_CALCULATE_COUNT</c>).</summary>
    public const int WithoutCount = -1;

    public static ListPage From(JsonNode? start)
    {
        var value = PhpValues.IntVal(start);
        if (value == WithoutCount)
        {
            return new ListPage(0, CountsTotal: false);
        }

        return new ListPage((int)Math.Min(Math.Max(value, 0) / Size * Size, int.MaxValue / Size * Size), CountsTotal: true);
    }

    /// <summary>
    /// The answer for <paramref name="items"/> read from <see cref="Offset"/> out of <paramref name="total"/> matches.
    /// The stores build the items fresh, with string values, lists as lists and no empty objects: PHP's shape.
    /// </summary>
    public MethodResult Answer(JsonNode items, int total) =>
        CountsTotal
            ? new MethodResult(items, total, Offset + Size < total ? Offset + Size : null, Shaped: true)
            : new MethodResult(items, Total: 0, Shaped: true);
}
