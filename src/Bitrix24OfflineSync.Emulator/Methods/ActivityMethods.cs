using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// <c>crm.activity.{add|update|delete|get|list}</c>, as <c>CCrmActivityRestProxy</c> answers them: add gives the new
/// ID, update and delete <c>true</c>, a list the classic <c>{"result":[…],"total","next"}</c> ordered by
/// <c>START_TIME</c> unless told otherwise. Every change raises <c>ONCRMACTIVITY{ADD|UPDATE|DELETE}</c> with
/// <c>{"FIELDS":{"ID":&lt;int&gt;}}</c>. Errors carry an empty code; an unknown activity is "Activity is not found."
/// to update and delete, while get answers an empty description, since its lookup leaves no message (the server code).
/// </summary>
internal static class ActivityMethods
{
    public static void Register(MethodRegistry methods)
    {
        methods.Add("crm.activity.add", CrmMethods.Scope, Add);
        methods.Add("crm.activity.update", CrmMethods.Scope, Update);
        methods.Add("crm.activity.delete", CrmMethods.Scope, Delete);
        methods.Add("crm.activity.get", CrmMethods.Scope, Get);
        methods.Add("crm.activity.list", CrmMethods.Scope, ActivityList.Run);
    }

    private static MethodResult Add(MethodContext ctx)
    {
        var fields = CrmMethods.Fields(ctx);
        var draft = ActivityRules.ForAdd(ctx.Portal, fields, ctx.Caller.UserId);
        var id = ctx.Portal.Activities.Add(draft, fields, ctx.Caller.UserId, ctx.Now);
        Raise(ctx, "ADD", id);
        return JsonValue.Create(id);
    }

    private static MethodResult Update(MethodContext ctx)
    {
        var id = CrmMethods.Id(ctx);
        var fields = CrmMethods.Fields(ctx).DeepClone().AsObject();
        var row = ctx.Portal.Activities.Row(id) ?? throw ActivityRules.Error("Activity is not found.");

        // An owner of 0 or less keeps the current one.
        foreach (var owner in (string[])["OWNER_TYPE_ID", "OWNER_ID"])
        {
            if (fields.ContainsKey(owner) && FieldValues.IntVal(fields[owner]) <= 0)
            {
                fields.Remove(owner);
            }
        }

        JsonArray? communications = null;
        if (fields[ActivityFields.Communications] is JsonObject or JsonArray)
        {
            var ownerTypeId = FieldValues.IntVal(fields["OWNER_TYPE_ID"] ?? row["OWNER_TYPE_ID"]);
            var ownerId = FieldValues.IntVal(fields["OWNER_ID"] ?? row["OWNER_ID"]);
            communications = ActivityRules.Communications(fields[ActivityFields.Communications], ownerTypeId, ownerId, FieldValues.IntVal(row["TYPE_ID"]), []);
            if (communications.Count == 0)
            {
                throw ActivityRules.Error("The field COMMUNICATIONS is not defined or invalid.");
            }
        }

        ctx.Portal.Activities.Update(row, fields, communications, ctx.Caller.UserId, ctx.Now);
        Raise(ctx, "UPDATE", id);
        return JsonValue.Create(true);
    }

    private static MethodResult Delete(MethodContext ctx)
    {
        var id = CrmMethods.Id(ctx);
        if (!ctx.Portal.Activities.Delete(id))
        {
            throw ActivityRules.Error("Activity is not found.");
        }

        Raise(ctx, "DELETE", id);
        return JsonValue.Create(true);
    }

    private static MethodResult Get(MethodContext ctx)
    {
        var activities = ctx.Portal.Activities;
        var row = activities.Row(CrmMethods.Id(ctx)) ?? throw ActivityRules.Error("");
        return activities.Selector([])(row);
    }

    private static void Raise(MethodContext ctx, string action, long id) =>
        ctx.Hit.Raise("ONCRMACTIVITY" + action, new JsonObject { ["FIELDS"] = new JsonObject { ["ID"] = id } });
}
