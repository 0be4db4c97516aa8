using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// The parameters of the universal controller's actions (crm/lib/controller/item.php) and its errors: a missing
/// argument is the engine's code 100; an unknown type is 400 <c>NOT_FOUND</c> "Smart process not found" (crm-item-*.md),
/// an unknown item 400 <c>NOT_FOUND</c> "Item not found" (crm-item-delete.md; the get page's example says "Element not
/// found", its table "Item not found").
/// </summary>
internal static class CrmItemRequest
{
    public static RestException TypeNotFound() => new(HttpStatusCode.BadRequest, "NOT_FOUND", "Smart process not found");

    public static RestException ItemNotFound() => new(HttpStatusCode.BadRequest, "NOT_FOUND", "Item not found");

    public static RestException InvalidArgument(string description) => new(HttpStatusCode.BadRequest, "INVALID_ARG_VALUE", description);

    /// <summary>The items of <c>entityTypeId</c>, which the action binds as an int.</summary>
    public static IItemSet Items(MethodContext ctx) =>
        ctx.Portal.SmartProcesses.Items((int)PhpValues.IntVal(Required(ctx, "entityTypeId"))) ?? throw TypeNotFound();

    public static long Id(MethodContext ctx) => PhpValues.IntVal(Required(ctx, "id"));

    /// <summary><c>fields</c> is bound as an array: a list or an object; anything else is refused.</summary>
    public static JsonObject Fields(MethodContext ctx) => Required(ctx, "fields") switch
    {
        JsonObject fields => fields,
        JsonArray { Count: 0 } => [],
        _ => throw new RestException(HttpStatusCode.BadRequest, "100", "Invalid value for parameter {fields}"),
    };

    /// <summary><c>useOriginalUfNames=Y</c> answers user fields as <c>UF_CRM_…</c> instead of <c>ufCrm…</c>.</summary>
    public static bool OriginalUfNames(MethodContext ctx) =>
        PhpValues.String(ctx.Param("useOriginalUfNames")) is "Y" or "y" or "true" or "1";

    /// <summary>The item as answers show it, whole.</summary>
    public static JsonObject Item(MethodContext ctx, IItemSet items, long id) =>
        items.Rows.TryGetValue(id, out var row) ? items.Projector(select: null, OriginalUfNames(ctx))(row) : throw ItemNotFound();

    public static void Raise(MethodContext ctx, IItemSet items, string action, long id)
    {
        var (name, data) = items.Event(action, id);
        ctx.Hit.Raise(name, data);
    }

    private static JsonNode Required(MethodContext ctx, string name) =>
        ctx.HasParam(name) && ctx.Param(name) is { } value
            ? value
            : throw new RestException(HttpStatusCode.BadRequest, "100", $"Could not find value for parameter {{{name}}}");
}
