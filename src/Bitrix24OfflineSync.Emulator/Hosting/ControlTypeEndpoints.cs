using System.Globalization;
using Bitrix24OfflineSync.Emulator.Crm;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>
/// A portal's smart-process types, made and deleted as an admin would in the UI: <c>GET</c>/<c>POST /types</c> and
/// <c>DELETE /types/{entityTypeId}</c>, which takes the type's items with it. <c>crm.type.list</c> shows the change at once.
/// </summary>
internal static class ControlTypeEndpoints
{
    public static RouteGroupBuilder MapControlTypes(this RouteGroupBuilder portal, BitrixWorld world)
    {
        portal.MapGet("/types", (string domain) => List(world, domain));
        portal.MapPost("/types", (string domain, HttpRequest request) => CreateAsync(world, domain, request));
        portal.MapDelete("/types/{entityTypeId}", (string domain, string entityTypeId) => Delete(world, domain, entityTypeId));
        return portal;
    }

    public static Results<JsonHttpResult<IReadOnlyList<TypeView>>, ProblemHttpResult> List(BitrixWorld world, string domain) =>
        world.FindPortal(domain) is { } portal
            ? ControlJson.Json<IReadOnlyList<TypeView>>([.. portal.SmartProcesses.Types.Select(t => View(portal.SmartProcesses, t))])
            : ControlJson.NoPortal(domain);

    /// <summary>Creates a type from <c>{"title":"…","entityTypeId":1030}</c>; without an entityTypeId the next free one of 1030, 1032, … is taken.</summary>
    public static async Task<Results<JsonHttpResult<TypeView>, ProblemHttpResult>> CreateAsync(BitrixWorld world, string domain, HttpRequest request)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var (body, problem) = await ControlJson.ReadAsync<CreateTypeRequest>(request).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.Title))
        {
            return ControlJson.BadRequest("title must name the smart process.");
        }

        if (body.EntityTypeId is { } wanted && SmartProcessType.IsCustomEntityTypeId(wanted) && portal.SmartProcesses.FindType(wanted) is not null)
        {
            return ControlJson.Conflict($"Portal {portal.Domain} has a type with entityTypeId {wanted} already.");
        }

        try
        {
            var type = portal.SmartProcesses.AddType(body.Title, body.EntityTypeId);
            return ControlJson.Json(View(portal.SmartProcesses, type), StatusCodes.Status201Created);
        }
        catch (ArgumentException ex)
        {
            return ControlJson.BadRequest(ex.Message);
        }
    }

    public static Results<NoContent, ProblemHttpResult> Delete(BitrixWorld world, string domain, string entityTypeId)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        if (!int.TryParse(entityTypeId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return ControlJson.BadRequest($"entityTypeId must be a positive integer, not '{entityTypeId}'.");
        }

        if (id == SmartProcessType.InvoiceEntityTypeId)
        {
            return ControlJson.BadRequest("The invoices' type (31) is built in and cannot be deleted.");
        }

        return portal.SmartProcesses.DeleteType(id)
            ? TypedResults.NoContent()
            : TypedResults.Problem($"Portal {portal.Domain} has no smart-process type {id}.", statusCode: StatusCodes.Status404NotFound, title: "Type not found");
    }

    private static TypeView View(SmartProcessStore store, SmartProcessType type) =>
        new(type.Id, type.EntityTypeId, type.Title, store.Count(type.EntityTypeId));
}
