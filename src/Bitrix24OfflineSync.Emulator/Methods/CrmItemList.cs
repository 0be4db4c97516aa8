using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// <c>crm.item.list {entityTypeId, select, filter, order, start}</c>: pages of 50 as <c>{"items":[…]}</c>, keyset
/// pages by id read by key (bitrix24-api.md §12). Unlike the classic lists it refuses what it does not know, with 400
/// <c>INVALID_ARG_VALUE</c>: a filter or order field the type lacks, a direction other than ASC or DESC (crm-item-list.md).
/// </summary>
internal static class CrmItemList
{
    public static MethodResult Run(MethodContext ctx)
    {
        var items = CrmItemRequest.Items(ctx);
        var select = ItemSelect.Parse(ctx.Param("select"), items);
        var filter = ListFilter.Parse(ctx.Param("filter"), name =>
            items.Resolve(name) ?? throw CrmItemRequest.InvalidArgument($"Invalid filter: field '{name}' is not allowed in filter"));
        var order = ParseOrder(ctx.Param("order"), items);
        var page = ListPage.From(ctx.Param("start"));
        var (rows, total) = ListQuery.Run(items.Rows, filter, order, items.Values, page.Offset, ListPage.Size, page.CountsTotal, items.IdField);
        var project = items.Projector(select, CrmItemRequest.OriginalUfNames(ctx));
        return page.Answer(new JsonObject { ["items"] = new JsonArray([.. rows.Select(row => (JsonNode)project(row))]) }, total);
    }

    private static ListOrder ParseOrder(JsonNode? order, IItemSet items) => ParseOrder(order, items.Resolve, items.IdField);

    /// <summary>The <c>order</c> of a universal list (items or types), each field and direction checked first.</summary>
    public static ListOrder ParseOrder(JsonNode? order, Func<string, string?> resolve, string idField)
    {
        foreach (var (key, value) in PhpValues.Entries(order))
        {
            var direction = (FieldValues.Text(value) ?? "").Trim();
            if (!direction.Equals("ASC", StringComparison.OrdinalIgnoreCase) && !direction.Equals("DESC", StringComparison.OrdinalIgnoreCase))
            {
                throw CrmItemRequest.InvalidArgument($"Invalid order: allowed sort directions are ASC, DESC. But got '{direction}' for field '{key}'");
            }

            if (resolve(key.Trim()) is null)
            {
                throw CrmItemRequest.InvalidArgument($"Invalid order: field '{key}' is not allowed in order");
            }
        }

        return ListOrder.Parse(order, resolve, idField);
    }
}
