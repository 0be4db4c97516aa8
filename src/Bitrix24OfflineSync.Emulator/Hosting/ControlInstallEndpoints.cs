using Microsoft.AspNetCore.Http.HttpResults;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>Installs and uninstalls an app on a portal, with the callbacks Bitrix24 sends for them.</summary>
internal static class ControlInstallEndpoints
{
    public static RouteGroupBuilder MapControlInstalls(this RouteGroupBuilder portal, BitrixWorld world)
    {
        portal.MapPost("/install", (string domain, HttpRequest request) => InstallAsync(world, domain, request));
        portal.MapPost("/uninstall", (string domain, HttpRequest request) => UninstallAsync(world, domain, request));
        return portal;
    }

    /// <summary>Installs the app (the default one unless <c>clientId</c> names another) and POSTs ONAPPINSTALL to <c>installUrl</c>.</summary>
    public static async Task<Results<JsonHttpResult<InstallView>, ProblemHttpResult>> InstallAsync(BitrixWorld world, string domain, HttpRequest request)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var (body, problem) = await ControlJson.ReadAsync<InstallRequest>(request).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (!ControlValidation.IsHttpUrl(body!.InstallUrl, out var installUrl))
        {
            return ControlJson.BadRequest("installUrl must be an absolute http or https URL.");
        }

        if (FindApp(world, body.ClientId) is not { } app)
        {
            return ControlJson.BadRequest($"No app {body.ClientId} is configured.");
        }

        InstallOutcome outcome;
        try
        {
            outcome = await world.InstallAppAsync(portal, installUrl, app, request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (NotSupportedException ex)
        {
            return NotImplemented(ex);
        }
        catch (InvalidOperationException ex)
        {
            return ControlJson.Conflict(ex.Message);
        }

        return ControlJson.Json(new InstallView(
            portal.Domain,
            portal.MemberId,
            app.ClientId,
            outcome.Tokens.AccessToken,
            outcome.Tokens.RefreshToken,
            outcome.Tokens.AccessExpiresAt.ToUnixTimeSeconds(),
            outcome.ApplicationToken,
            outcome.CallbackStatus));
    }

    /// <summary>Uninstalls the app and POSTs ONAPPUNINSTALL to its handlers; <c>clean</c> says whether its data goes too.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> UninstallAsync(BitrixWorld world, string domain, HttpRequest request)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var (body, problem) = await ControlJson.ReadAsync(request, whenEmpty: new UninstallRequest(null, null)).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (FindApp(world, body!.ClientId) is not { } app)
        {
            return ControlJson.BadRequest($"No app {body.ClientId} is configured.");
        }

        if (!portal.IsInstalled(app))
        {
            return ControlJson.Conflict($"App {app.ClientId} is not installed on portal {portal.Domain}.");
        }

        try
        {
            await world.UninstallAppAsync(portal, app, body.Clean ?? false, request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (NotSupportedException ex)
        {
            return NotImplemented(ex);
        }

        return TypedResults.NoContent();
    }

    private static EmulatedApp? FindApp(BitrixWorld world, string? clientId) =>
        clientId is null ? world.DefaultApp : world.Apps.FirstOrDefault(a => a.ClientId == clientId);

    private static ProblemHttpResult NotImplemented(NotSupportedException ex) =>
        TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status501NotImplemented, title: "Not emulated");
}
