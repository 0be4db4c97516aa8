using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// <c>crm.activity.list {select, filter, order, start}</c>, the classic list: fields the activity lacks are dropped
/// from the filter and order, an <c>order</c> or <c>filter</c> that is not an array is refused, the default order is
/// <c>START_TIME</c> ascending (the proxy's <c>innerGetList</c>), and ID ranges are read by key, so keyset pages over a
/// large portal read only what they answer.
/// </summary>
internal static class ActivityList
{
    public static MethodResult Run(MethodContext ctx)
    {
        foreach (var name in (string[])["order", "filter"])
        {
            if (ctx.Param(name) is { } value && value is not (JsonObject or JsonArray))
            {
                throw ActivityRules.Error($"Parameter '{name}' must be array.");
            }
        }

        static string? Resolve(string name) => ActivityFields.IsStandard(name) ? name : null;

        var activities = ctx.Portal.Activities;
        var filter = ListFilter.Parse(ctx.Param("filter"), Resolve);
        var order = ctx.Param("order") is JsonObject { Count: > 0 } requested ? requested : new JsonObject { ["START_TIME"] = "ASC" };
        var sort = ListOrder.Parse(order, Resolve, ListQuery.IdField);
        var page = ListPage.From(ctx.Param("start"));
        var (rows, total) = ListQuery.Run(activities.Rows, filter, sort, Values, page.Offset, ListPage.Size, page.CountsTotal);
        var project = activities.Selector(CrmProjection.ParseSelect(ctx.Param("select")));
        return page.Answer(new JsonArray([.. rows.Select(row => (JsonNode)project(row))]), total);
    }

    private static IReadOnlyList<string?> Values(JsonObject row, string field) => [FieldValues.Text(row[field])];
}
