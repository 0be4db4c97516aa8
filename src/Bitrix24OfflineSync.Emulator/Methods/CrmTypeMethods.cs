using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// <c>crm.type.list {filter, order, start}</c>: the portal's smart-process types as <c>{"types":[…]}</c> with total and
/// next, pages of 50, by <c>id</c> unless ordered otherwise (crm-type-list.md). Types are made and deleted through the
/// emulator (<see cref="SmartProcessStore"/>), as an admin would in the UI.
/// </summary>
internal static class CrmTypeMethods
{
    private const string IdField = "id";

    // The fields a type has, for checking filter and order names even when the portal has no type at all.
    private static readonly HashSet<string> Fields =
        [.. new SmartProcessType(0, 0, "", 0, DateTimeOffset.UnixEpoch, 0).Describe(_ => "").Select(p => p.Key)];

    public static void Register(MethodRegistry methods) => methods.Add("crm.type.list", CrmMethods.Scope, List);

    private static MethodResult List(MethodContext ctx)
    {
        var rows = new KeyedRows();
        foreach (var type in ctx.Portal.SmartProcesses.Listed(ctx.World.Options.TypeListIncludesInvoices))
        {
            rows.Add(type.Id, type.Describe(ctx.Portal.FormatTime));
        }

        static string? Resolve(string name)
        {
            var field = name.Any(char.IsLower) ? name : Tasks.TaskFields.ToCamel(name);
            return Fields.Contains(field) ? field : null;
        }

        var filter = ListFilter.Parse(ctx.Param("filter"), name =>
            Resolve(name) ?? throw CrmItemRequest.InvalidArgument($"Invalid filter: field '{name}' is not allowed in filter"));
        var order = CrmItemList.ParseOrder(ctx.Param("order"), Resolve, IdField);
        var page = ListPage.From(ctx.Param("start"));
        var (types, total) = ListQuery.Run(rows, filter, order, Values, page.Offset, ListPage.Size, page.CountsTotal, IdField);
        return page.Answer(new JsonObject { ["types"] = new JsonArray([.. types.Select(t => (JsonNode)t.DeepClone())]) }, total);
    }

    private static IReadOnlyList<string?> Values(JsonObject row, string field) => [FieldValues.Text(row[field])];
}
