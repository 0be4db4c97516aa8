using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// <c>crm.item.{add|update|delete|get|list}</c>, the universal CRM API: any type by <c>entityTypeId</c>, answers in
/// camelCase wrapped as <c>{"item":{…}}</c> (a list as <c>{"items":[…]}</c> with total and next, a delete as <c>[]</c>).
/// A smart process's or invoice's change raises <c>ONCRMDYNAMICITEM{ADD|UPDATE|DELETE}</c> with
/// <c>{"FIELDS":{"ID":"24","ENTITY_TYPE_ID":"1220"}}</c> (strings); a classic entity's raises its own event.
/// </summary>
internal static class CrmItemMethods
{
    public static void Register(MethodRegistry methods)
    {
        methods.Add("crm.item.add", CrmMethods.Scope, Add);
        methods.Add("crm.item.update", CrmMethods.Scope, Update);
        methods.Add("crm.item.delete", CrmMethods.Scope, Delete);
        methods.Add("crm.item.get", CrmMethods.Scope, Get);
        methods.Add("crm.item.list", CrmMethods.Scope, CrmItemList.Run);
    }

    private static MethodResult Add(MethodContext ctx)
    {
        var items = CrmItemRequest.Items(ctx);
        var fields = CrmItemRequest.Fields(ctx);
        var id = items.Add(fields, ctx.Caller.UserId, ctx.Now);
        CrmItemRequest.Raise(ctx, items, "ADD", id);
        return new JsonObject { ["item"] = CrmItemRequest.Item(ctx, items, id) };
    }

    /// <summary>An update that changes no value is not saved (crm-item-update.md), so it raises nothing either.</summary>
    private static MethodResult Update(MethodContext ctx)
    {
        var items = CrmItemRequest.Items(ctx);
        var id = CrmItemRequest.Id(ctx);
        var fields = CrmItemRequest.Fields(ctx);
        if (!items.Update(id, fields, ctx.Caller.UserId, ctx.Now, out var changed))
        {
            throw CrmItemRequest.ItemNotFound();
        }

        if (changed)
        {
            CrmItemRequest.Raise(ctx, items, "UPDATE", id);
            if (ctx.Portal.Automation.OnUpdate($"crm.item.{items.EntityTypeId}") is { } automated &&
                items.Update(id, automated, ctx.Caller.UserId, ctx.Now, out var automatedChange) && automatedChange)
            {
                // A robot of the same request: its change is raised in this request too.
                CrmItemRequest.Raise(ctx, items, "UPDATE", id);
            }
        }

        return new JsonObject { ["item"] = CrmItemRequest.Item(ctx, items, id) };
    }

    private static MethodResult Delete(MethodContext ctx)
    {
        var items = CrmItemRequest.Items(ctx);
        var id = CrmItemRequest.Id(ctx);
        if (!items.Delete(id))
        {
            throw CrmItemRequest.ItemNotFound();
        }

        CrmItemRequest.Raise(ctx, items, "DELETE", id);
        return new JsonArray();
    }

    private static MethodResult Get(MethodContext ctx)
    {
        var items = CrmItemRequest.Items(ctx);
        return new JsonObject { ["item"] = CrmItemRequest.Item(ctx, items, CrmItemRequest.Id(ctx)) };
    }
}
