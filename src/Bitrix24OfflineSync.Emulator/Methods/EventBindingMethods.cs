using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Events;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary><c>event.bind</c>, <c>event.unbind</c>, <c>event.get</c> and <c>events</c>, as <c>Bitrix\Rest\Api\Event</c> implements them.</summary>
internal static class EventBindingMethods
{
    private const string Online = "online";
    private const string Offline = "offline";

    public static void Register(MethodRegistry methods)
    {
        methods.Add("event.bind", null, Bind);
        methods.Add("event.unbind", null, Unbind);
        methods.Add("event.get", null, Get);
        methods.Add("events", null, Events);
    }

    private static MethodResult Bind(MethodContext ctx)
    {
        var app = AppAuth.RequireApp(ctx);
        var admin = ctx.Caller.IsAdmin;
        var name = PhpValues.String(ctx.Param("event")).ToUpperInvariant();
        var type = PhpValues.String(ctx.Param("event_type")).ToLowerInvariant();
        var userId = (int)PhpValues.IntVal(ctx.Param("auth_type"));
        var handler = PhpValues.String(ctx.Param("handler"));
        var options = ctx.Param("options");
        if (userId > 0)
        {
            if (!admin && userId != ctx.Caller.UserId)
            {
                throw AppAuth.AccessDenied("Event binding with AUTH_TYPE requires administrator access rights");
            }
        }
        else if (!admin)
        {
            userId = ctx.Caller.UserId;
        }

        type = CheckCommon(name, type);
        if (type == Offline)
        {
            if (!admin)
            {
                throw AppAuth.AccessDenied("Offline events binding requires administrator access rights");
            }

            handler = "";
            userId = 0;
        }
        else if (handler.Length == 0)
        {
            throw PhpValues.ArgumentNull("HANDLER");
        }

        if (handler.Length > 0)
        {
            HandlerUrl.Check(handler);
        }

        var info = EventCatalog.FindFor(app, name) ?? throw new RestException(HttpStatusCode.BadRequest, "ERROR_EVENT_NOT_FOUND", "Event not found");
        if (handler.Length == 0 && info.DisableOffline)
        {
            throw RestException.InvalidArgument("Offline event cannot be registered for this event.");
        }

        var allowed = new Dictionary<string, int>(StringComparer.Ordinal);
        if (PhpValues.IsArray(options))
        {
            foreach (var option in info.AllowOptions ?? [])
            {
                if (PhpValues.Entries(options).FirstOrDefault(e => e.Key == option).Value is { } value)
                {
                    allowed[option] = (int)PhpValues.IntVal(value);
                }
            }
        }

        _ = ctx.Portal.Bindings.TryAdd(app, name, handler, userId, ctx.Caller.AuthConnector, allowed)
            ?? throw RestException.Core("Unable to set event handler: Handler already binded");
        return JsonValue.Create(true);
    }

    private static MethodResult Unbind(MethodContext ctx)
    {
        var app = AppAuth.RequireApp(ctx);
        var admin = ctx.Caller.IsAdmin;
        var name = PhpValues.String(ctx.Param("event")).ToUpperInvariant();
        var handler = PhpValues.String(ctx.Param("handler"));
        var type = CheckCommon(name, PhpValues.String(ctx.Param("event_type")).ToLowerInvariant());
        if (type == Offline)
        {
            if (!admin)
            {
                throw AppAuth.AccessDenied("Offline events unbinding requires administrator access rights");
            }

            handler = "";
        }
        else if (handler.Length == 0)
        {
            throw PhpValues.ArgumentNull("HANDLER");
        }

        int? userId = null;
        string? connector = null;
        if (type == Offline)
        {
            connector = ctx.Caller.AuthConnector;
        }
        else if (ctx.Param("auth_type") is { } authType)
        {
            // The server compares the raw parameter with !== against an int: only a JSON number can pass.
            var sameUser = authType is JsonValue v && v.TryGetValue<long>(out var n) && n == ctx.Caller.UserId;
            if (!admin && !sameUser)
            {
                throw AppAuth.AccessDenied("Event unbinding with AUTH_TYPE requires administrator access rights");
            }

            userId = (int)PhpValues.IntVal(authType);
        }
        else if (!admin)
        {
            userId = ctx.Caller.UserId;
        }

        var count = ctx.Portal.Bindings.RemoveWhere(b =>
            b.AppId == app.ClientId && b.EventName == name && b.Handler == handler &&
            (connector is null || b.ConnectorId == connector) && (userId is null || b.UserId == userId));
        return new JsonObject { ["count"] = count };
    }

    private static MethodResult Get(MethodContext ctx)
    {
        var app = AppAuth.RequireApp(ctx);
        var result = new JsonArray();
        foreach (var binding in ctx.Portal.Bindings.ForApp(app).Where(b => ctx.Caller.IsAdmin || b.UserId == ctx.Caller.UserId))
        {
            result.Add(binding.IsOffline
                ? new JsonObject { ["event"] = binding.EventName, ["connector_id"] = binding.ConnectorId, ["offline"] = 1 }
                : new JsonObject
                {
                    ["event"] = binding.EventName,
                    ["handler"] = binding.Handler,
                    ["auth_type"] = binding.UserId.ToString(CultureInfo.InvariantCulture),
                    ["offline"] = 0,
                });
        }

        return result;
    }

    private static MethodResult Events(MethodContext ctx)
    {
        var app = AppAuth.RequireApp(ctx);
        var scope = ctx.Param("scope");
        Func<EventInfo, bool> visible = scope is not null
            ? PhpValues.String(scope) is { Length: > 0 } named
                ? e => string.Equals(e.Scope, named, StringComparison.OrdinalIgnoreCase)
                : e => e.Scope == EventCatalog.GlobalScope
            : PhpValues.Truthy(ctx.Param("full"))
                ? _ => true
                : e => e.Scope == EventCatalog.GlobalScope || app.HasScope(e.Scope);
        return new JsonArray([.. EventCatalog.All.Where(visible).Select(e => (JsonNode)e.Name)]);
    }

    /// <summary>The checks bind and unbind share: the event is named and the type is online or offline (default online).</summary>
    private static string CheckCommon(string name, string type)
    {
        if (name.Length == 0)
        {
            throw PhpValues.ArgumentNull("EVENT");
        }

        if (type.Length == 0)
        {
            return Online;
        }

        return type is Online or Offline ? type : throw RestException.InvalidArgument("Value must be one of {online|offline}", "EVENT_TYPE");
    }
}
