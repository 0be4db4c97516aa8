using Bitrix24OfflineSync.Emulator.Generator;
using Bitrix24OfflineSync.Emulator.Rest;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>
/// A portal's objects as no app heard of them: objects it had before the install (<c>seed</c>), and changes that
/// raise no event (<c>call-silently</c>). An initial load and a drift check are what find them.
/// </summary>
internal static class ControlObjectEndpoints
{
    /// <summary>A million deals take about 4.5 GB in the emulator; more in one call is a typo, not a load test.</summary>
    private const int MaxSeedCount = 1_000_000;

    public static RouteGroupBuilder MapControlObjects(this RouteGroupBuilder portal, BitrixWorld world)
    {
        portal.MapPost("/seed", (string domain, HttpRequest request) => SeedAsync(world, domain, request));
        portal.MapPost("/call-silently", (string domain, HttpRequest request) => CallSilentlyAsync(world, domain, request));
        return portal;
    }

    /// <summary>Creates <c>count</c> objects of <c>entity</c> as if they had been there before any app; no event, row or doorbell.</summary>
    public static async Task<Results<JsonHttpResult<SeedView>, ProblemHttpResult>> SeedAsync(BitrixWorld world, string domain, HttpRequest request)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var (body, problem) = await ControlJson.ReadAsync<SeedRequest>(request).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var entity = body!.Entity?.Trim() ?? "";
        if (!ControlValidation.IsEntity(entity))
        {
            return ControlJson.BadRequest($"entity must be one of: {GeneratorEntity.Known}, not '{entity}'.");
        }

        if (body.Count is not ({ } count and >= 1 and <= MaxSeedCount))
        {
            return ControlJson.BadRequest($"count must be from 1 to {MaxSeedCount}.");
        }

        SeededObjects seeded;
        try
        {
            seeded = world.Seed(portal, entity, count, body.Seed);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // A smart-process type the portal lacks, or activities with nothing to be about.
            return ControlJson.BadRequest(ex.Message);
        }

        return ControlJson.Json(new SeedView(seeded.Entity, seeded.Count, seeded.FirstId, seeded.LastId), StatusCodes.Status201Created);
    }

    /// <summary>
    /// Runs <c>method</c> with <c>parameters</c> as a portal user and drops its events. The method's answer comes back as
    /// REST would give it; its error as a problem with the REST status, code and description.
    /// </summary>
    public static async Task<Results<JsonHttpResult<SilentCallView>, ProblemHttpResult>> CallSilentlyAsync(BitrixWorld world, string domain, HttpRequest request)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var (body, problem) = await ControlJson.ReadAsync<SilentCallRequest>(request).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var method = MethodInvoker.NormalizeName(body!.Method ?? "");
        if (method.Length == 0 || world.Methods.Find(method) is null)
        {
            return ControlJson.BadRequest($"method must name a REST method the emulator serves, such as crm.deal.update, not '{body.Method}'.");
        }

        if (body.UserId is < 1)
        {
            return ControlJson.BadRequest("userId must be a positive user id (1, the portal's admin, when left out).");
        }

        try
        {
            var answer = world.CallSilently(portal, method, body.Parameters ?? [], body.UserId ?? 1);
            return ControlJson.Json(new SilentCallView(PhpJson.Normalize(answer.Result), answer.Total, answer.Next));
        }
        catch (RestException ex)
        {
            return TypedResults.Problem(
                ex.Description.Length > 0 ? ex.Description : ex.Code,
                statusCode: (int)ex.Status,
                title: $"{method} answered an error",
                extensions: new Dictionary<string, object?> { ["error"] = ex.Code, ["error_description"] = ex.Description });
        }
    }
}
