using System.Text.Json;
using Bitrix24OfflineSync.Emulator.Generator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>Changes made on a portal as its users would make them: a burst at once, or a steady load in the background.</summary>
internal static class ControlGeneratorEndpoints
{
    private const int MaxChangesAtOnce = 100_000;

    public static RouteGroupBuilder MapControlGenerators(this RouteGroupBuilder portal, BitrixWorld world, ControlGenerators generators, ILogger logger)
    {
        portal.MapPost("/generate", (string domain, HttpRequest request) => GenerateAsync(world, domain, request));
        portal.MapPost("/generator/start", (string domain, HttpRequest request) => StartAsync(world, generators, domain, request, logger));
        portal.MapPost("/generator/stop", (string domain) => StopAsync(world, generators, domain));
        return portal;
    }

    public static async Task<Results<JsonHttpResult<GenerateView>, ProblemHttpResult>> GenerateAsync(BitrixWorld world, string domain, HttpRequest request)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var (body, problem) = await ControlJson.ReadAsync<GenerateRequest>(request).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Changes is not ({ } changes and >= 1 and <= MaxChangesAtOnce))
        {
            return ControlJson.BadRequest($"changes must be from 1 to {MaxChangesAtOnce}.");
        }

        var generator = new ChangeGenerator(world, portal, new ChangeGeneratorOptions());
        try
        {
            generator.Generate(changes);
        }
        catch (NotSupportedException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status501NotImplemented, title: "Not emulated");
        }

        return ControlJson.Json(new GenerateView(generator.ChangesMade));
    }

    /// <summary>Starts a background load on the portal; omitted settings take the generator's defaults.</summary>
    public static async Task<Results<JsonHttpResult<GeneratorView>, ProblemHttpResult>> StartAsync(
        BitrixWorld world, ControlGenerators generators, string domain, HttpRequest request, ILogger logger)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var empty = new GeneratorStartRequest(null, null, null, null, null, null, null);
        var (body, problem) = await ControlJson.ReadAsync(request, whenEmpty: empty).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var options = Options(body!);
        var errors = ControlValidation.GeneratorErrors(options, JsonNamingPolicy.CamelCase.ConvertName).ToList();
        if (errors.Count > 0)
        {
            return ControlJson.BadRequest(string.Join(" ", errors));
        }

        bool started;
        try
        {
            started = generators.TryStart(portal, options, logger);
        }
        catch (ArgumentException ex)
        {
            // A crm.item.{entityTypeId} of a type the portal does not have.
            return ControlJson.BadRequest(ex.Message);
        }

        if (!started)
        {
            return ControlJson.Conflict($"A generator runs on portal {portal.Domain} already; stop it first.");
        }

        return ControlJson.Json(new GeneratorView(true, 0, options.ChangesPerSecond, options.Objects), StatusCodes.Status202Accepted);
    }

    /// <summary>Stops the portal's background load and reports what it did; stopping none is not an error.</summary>
    public static async Task<Results<JsonHttpResult<GeneratorView>, ProblemHttpResult>> StopAsync(BitrixWorld world, ControlGenerators generators, string domain)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var stopped = await generators.StopAsync(portal).ConfigureAwait(false);
        return ControlJson.Json(new GeneratorView(false, stopped?.ChangesMade ?? 0, stopped?.Options.ChangesPerSecond, stopped?.Options.Objects));
    }

    private static ChangeGeneratorOptions Options(GeneratorStartRequest body)
    {
        var defaults = new ChangeGeneratorOptions();
        return new ChangeGeneratorOptions
        {
            Objects = body.Objects ?? defaults.Objects,
            ChangesPerSecond = body.ChangesPerSecond ?? defaults.ChangesPerSecond,
            AddShare = body.AddShare ?? defaults.AddShare,
            UpdateShare = body.UpdateShare ?? defaults.UpdateShare,
            DeleteShare = body.DeleteShare ?? defaults.DeleteShare,
            Entities = body.Entities is null ? defaults.Entities : [.. body.Entities],
            Seed = body.Seed,
        };
    }
}
