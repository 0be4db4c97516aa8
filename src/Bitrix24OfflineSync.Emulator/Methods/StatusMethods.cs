using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// <c>crm.status.list {filter, order}</c>: the portal's status lists (<see cref="StatusStore"/>), by <c>SORT</c> unless
/// ordered otherwise. The proxy reads the whole selection and pages nothing (CCrmStatusRestProxy: no navigation is
/// passed on), so every match comes in one answer, with its total.
/// </summary>
internal static class StatusMethods
{
    private static readonly HashSet<string> Fields =
        new(["ID", "ENTITY_ID", "STATUS_ID", "NAME", "NAME_INIT", "SORT", "SYSTEM", "CATEGORY_ID", "COLOR", "SEMANTICS"], StringComparer.Ordinal);

    public static void Register(MethodRegistry methods) => methods.Add("crm.status.list", CrmMethods.Scope, List);

    private static MethodResult List(MethodContext ctx)
    {
        static string? Resolve(string name) => Fields.Contains(name.ToUpperInvariant()) ? name.ToUpperInvariant() : null;

        var filter = ListFilter.Parse(ctx.Param("filter"), Resolve);
        var order = ctx.Param("order") is JsonObject { Count: > 0 } given
            ? ListOrder.Parse(given, Resolve, ListQuery.IdField)
            : ListOrder.Parse(new JsonObject { ["SORT"] = "ASC" }, Resolve, ListQuery.IdField);
        var (rows, total) = ListQuery.Run(ctx.Portal.Statuses.Rows(), filter, order, Values, 0, int.MaxValue, countTotal: true);
        return new MethodResult(new JsonArray([.. rows.Select(r => (JsonNode)r.DeepClone())]), total, Shaped: true);
    }

    private static IReadOnlyList<string?> Values(JsonObject row, string field) => [FieldValues.Text(row[field])];
}
