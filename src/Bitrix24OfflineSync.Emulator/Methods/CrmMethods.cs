using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// <c>crm.{deal|contact|company|lead}.{add|update|delete|get|list}</c>, answering as the CRM REST proxy does:
/// errors carry an empty code (<c>"ID is not defined or invalid."</c>, <c>"Not found"</c>), and every change raises
/// <c>ONCRM{ENTITY}{ADD|UPDATE|DELETE}</c> with <c>{"FIELDS":{"ID":&lt;int&gt;}}</c>.
/// </summary>
internal static class CrmMethods
{
    public const string Scope = "crm";

    public static void Register(MethodRegistry methods)
    {
        foreach (var definition in CrmEntityDefinition.All)
        {
            var type = definition.Type;
            var prefix = $"crm.{definition.Name}.";
            methods.Add(prefix + "add", Scope, ctx => Add(ctx, type));
            methods.Add(prefix + "update", Scope, ctx => Update(ctx, type));
            methods.Add(prefix + "delete", Scope, ctx => Delete(ctx, type));
            methods.Add(prefix + "get", Scope, ctx => Get(ctx, type));
            methods.Add(prefix + "list", Scope, ctx => List(ctx, type));
        }
    }

    private static MethodResult Add(MethodContext ctx, CrmEntityType type)
    {
        var fields = Fields(ctx);
        var id = ctx.Portal.Crm.Add(type, fields, ctx.Caller.UserId, ctx.Now);
        Raise(ctx, type, "ADD", id);
        return JsonValue.Create(id);
    }

    private static MethodResult Update(MethodContext ctx, CrmEntityType type)
    {
        var id = Id(ctx);
        var fields = Fields(ctx);
        if (!ctx.Portal.Crm.Update(type, id, fields, ctx.Caller.UserId, ctx.Now))
        {
            throw RestException.NotFound();
        }

        Raise(ctx, type, "UPDATE", id);
        if (ctx.Portal.Automation.OnUpdate($"crm.{CrmEntityDefinition.Of(type).Name}") is { } automated)
        {
            // A robot of the same request: its change is raised in this request too.
            ctx.Portal.Crm.Update(type, id, automated, ctx.Caller.UserId, ctx.Now);
            Raise(ctx, type, "UPDATE", id);
        }

        return JsonValue.Create(true);
    }

    private static MethodResult Delete(MethodContext ctx, CrmEntityType type)
    {
        var id = Id(ctx);
        if (!ctx.Portal.Crm.Delete(type, id))
        {
            throw RestException.NotFound();
        }

        Raise(ctx, type, "DELETE", id);
        return JsonValue.Create(true);
    }

    private static MethodResult Get(MethodContext ctx, CrmEntityType type) =>
        ctx.Portal.Crm.Get(type, Id(ctx)) ?? throw RestException.NotFound();

    private static MethodResult List(MethodContext ctx, CrmEntityType type)
    {
        var page = ListPage.From(ctx.Param("start"));
        var (items, total) = ctx.Portal.Crm.List(type, ctx.Param("filter"), ctx.Param("select"), ctx.Param("order"), page.Offset, ListPage.Size, page.CountsTotal);
        return page.Answer(items, total);
    }

    /// <summary>The proxy reads <c>id</c> with <c>intval</c>: anything that is not a positive number is refused.</summary>
    internal static long Id(MethodContext ctx)
    {
        var id = FieldValues.IntVal(ctx.Param("id"));
        return id > 0 ? id : throw new RestException(HttpStatusCode.BadRequest, "", "ID is not defined or invalid.");
    }

    internal static JsonObject Fields(MethodContext ctx) => ctx.Param("fields") switch
    {
        JsonObject fields => fields,

        // An empty PHP array arrives as [] in a JSON body.
        JsonArray { Count: 0 } => [],
        _ => throw new RestException(HttpStatusCode.BadRequest, "", "The parameter 'fields' must be array."),
    };

    private static void Raise(MethodContext ctx, CrmEntityType type, string action, long id) =>
        ctx.Hit.Raise(
            CrmEntityDefinition.Of(type).EventPrefix + action,
            new JsonObject { ["FIELDS"] = new JsonObject { ["ID"] = id } });
}
