using Bitrix24OfflineSync.Emulator.Portals;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>
/// The portal's users: list them, add one (an administrator or not), and have one open an installed app, which hands
/// that user the app's tokens as Bitrix24 hands <c>AUTH_ID</c>/<c>REFRESH_ID</c> to every user who opens it.
/// </summary>
internal static class ControlUserEndpoints
{
    public static RouteGroupBuilder MapControlUsers(this RouteGroupBuilder portal, BitrixWorld world)
    {
        portal.MapGet("/users", (string domain) => List(world, domain));
        portal.MapPost("/users", (string domain, HttpRequest request) => AddAsync(world, domain, request));
        portal.MapPost("/users/{userId:int}/open-app", (string domain, int userId, HttpRequest request) => OpenAppAsync(world, domain, userId, request));
        return portal;
    }

    public static Results<JsonHttpResult<IReadOnlyList<UserView>>, ProblemHttpResult> List(BitrixWorld world, string domain) =>
        world.FindPortal(domain) is { } portal
            ? ControlJson.Json<IReadOnlyList<UserView>>([.. portal.Users.All.Select(View)])
            : ControlJson.NoPortal(domain);

    /// <summary>Adds a user with the next free id; <c>admin</c> (default false) makes it an administrator.</summary>
    public static async Task<Results<JsonHttpResult<UserView>, ProblemHttpResult>> AddAsync(BitrixWorld world, string domain, HttpRequest request)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var (body, problem) = await ControlJson.ReadAsync(request, whenEmpty: new AddUserRequest(null, null)).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Name is { Length: > 100 })
        {
            return ControlJson.BadRequest("name must be at most 100 characters.");
        }

        return ControlJson.Json(View(portal.Users.Add(body.Admin ?? false, body.Name)), StatusCodes.Status201Created);
    }

    /// <summary>The user opens the app (the default one unless <c>clientId</c> names another): the tokens it is handed.</summary>
    public static async Task<Results<JsonHttpResult<UserTokensView>, ProblemHttpResult>> OpenAppAsync(BitrixWorld world, string domain, int userId, HttpRequest request)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var (body, problem) = await ControlJson.ReadAsync(request, whenEmpty: new OpenAppRequest(null)).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var app = body!.ClientId is null ? world.DefaultApp : world.Apps.FirstOrDefault(a => a.ClientId == body.ClientId);
        if (app is null)
        {
            return ControlJson.BadRequest($"No app {body.ClientId} is configured.");
        }

        if (portal.Users.Find(userId) is null)
        {
            return TypedResults.Problem($"No user {userId} on portal {portal.Domain}.", statusCode: StatusCodes.Status404NotFound, title: "User not found");
        }

        if (!portal.IsInstalled(app))
        {
            return ControlJson.Conflict($"App {app.ClientId} is not installed on portal {portal.Domain}.");
        }

        var tokens = world.OpenApp(portal, userId, app);
        return ControlJson.Json(new UserTokensView(userId, app.ClientId, tokens.AccessToken, tokens.RefreshToken, tokens.AccessExpiresAt.ToUnixTimeSeconds()));
    }

    private static UserView View(PortalUser user) => new(user.Id, user.IsAdmin, user.Name);
}
