using Bitrix24OfflineSync.Emulator.Crm;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>
/// A portal's user fields, made and deleted as an admin would: <c>GET /userfields?entity=crm.deal</c>,
/// <c>POST /userfields</c> with <c>{"entity":"crm.deal","fieldName":"UF_CRM_REGION","userTypeId":"enumeration",
/// "label":"Region","items":["North","South"]}</c>, and <c>DELETE /userfields/{entity}/{fieldName}</c>, which takes
/// every object's value with it. The field lists show the change at once.
/// </summary>
internal static class ControlFieldEndpoints
{
    public static RouteGroupBuilder MapControlFields(this RouteGroupBuilder portal, BitrixWorld world)
    {
        portal.MapGet("/userfields", (string domain, string? entity) => List(world, domain, entity));
        portal.MapPost("/userfields", (string domain, HttpRequest request) => CreateAsync(world, domain, request));
        portal.MapDelete("/userfields/{entity}/{fieldName}", (string domain, string entity, string fieldName) => Delete(world, domain, entity, fieldName));
        return portal;
    }

    public static Results<JsonHttpResult<IReadOnlyList<UserFieldView>>, ProblemHttpResult> List(BitrixWorld world, string domain, string? entity)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        string[] entities = entity is null ? ["crm.deal", "crm.contact", "crm.company", "crm.lead", .. portal.SmartProcesses.Types.Select(t => $"crm.item.{t.EntityTypeId}"), "crm.item.31"] : [entity];
        return ControlJson.Json<IReadOnlyList<UserFieldView>>(
            [.. entities.SelectMany(e => portal.UserFields.Of(e).Select(f => View(e, f, portal.UserFields.ItemsOf(e, f.FieldName))))]);
    }

    public static async Task<Results<JsonHttpResult<UserFieldView>, ProblemHttpResult>> CreateAsync(BitrixWorld world, string domain, HttpRequest request)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var (body, problem) = await ControlJson.ReadAsync<CreateUserFieldRequest>(request).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.Entity) || string.IsNullOrWhiteSpace(body.FieldName))
        {
            return ControlJson.BadRequest("entity (e.g. crm.deal) and fieldName (e.g. UF_CRM_REGION) are required.");
        }

        var definition = new UserFieldDefinition(body.FieldName, body.UserTypeId ?? "string", body.Label, body.Multiple ?? false, body.Items, body.Mandatory ?? false);
        try
        {
            var items = portal.UserFields.Add(body.Entity, definition);
            return ControlJson.Json(View(body.Entity, definition, items), StatusCodes.Status201Created);
        }
        catch (ArgumentException ex)
        {
            return ControlJson.BadRequest(ex.Message);
        }
    }

    public static Results<NoContent, ProblemHttpResult> Delete(BitrixWorld world, string domain, string entity, string fieldName) =>
        world.FindPortal(domain) is not { } portal
            ? ControlJson.NoPortal(domain)
            : portal.UserFields.Remove(entity, fieldName)
                ? TypedResults.NoContent()
                : TypedResults.Problem($"{entity} of portal {portal.Domain} has no field {fieldName}.", statusCode: StatusCodes.Status404NotFound, title: "Field not found");

    private static UserFieldView View(string entity, UserFieldDefinition field, IReadOnlyList<UserFieldItem> items) =>
        new(entity, field.FieldName, field.UserTypeId, field.Label, field.Multiple, field.Mandatory, [.. items.Select(i => new UserFieldItemView(i.Id, i.Value))]);
}

internal sealed record CreateUserFieldRequest(string? Entity, string? FieldName, string? UserTypeId, string? Label, bool? Multiple, IReadOnlyList<string>? Items, bool? Mandatory);

internal sealed record UserFieldView(string Entity, string FieldName, string UserTypeId, string? Label, bool Multiple, bool Mandatory, IReadOnlyList<UserFieldItemView> Items);

internal sealed record UserFieldItemView(string Id, string Value);
