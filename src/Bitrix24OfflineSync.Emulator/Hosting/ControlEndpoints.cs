using Bitrix24OfflineSync.Emulator.Portals;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>
/// The emulator's own control surface under <c>/_emulator/</c>, for driving a running emulator by hand or from a
/// script: portals, stats, faults, both limits, installs, users, generated changes, seeded objects, silent changes,
/// smart-process types and user fields.
/// Tests use the C# API instead.
/// </summary>
internal static class ControlEndpoints
{
    private const int DefaultLogTail = 100;
    private const int MaxLogTail = 10_000;

    public static IEndpointRouteBuilder MapControl(this IEndpointRouteBuilder endpoints, BitrixWorld world)
    {
        var logger = endpoints.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger(typeof(ControlEndpoints)) ?? NullLogger.Instance;
        var generators = ControlGenerators.Of(world);
        endpoints.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(generators.CancelAll);

        var root = endpoints.MapGroup("/_emulator");
        root.MapGet("/portals", () => ListPortals(world));
        root.MapPost("/portals", (HttpRequest request) => CreatePortalAsync(world, request, logger));
        root.MapControlCloud(world);

        var portal = root.MapGroup("/portals/{domain}");
        portal.MapGet("/", (string domain) => GetPortal(world, domain));
        portal.MapGet("/stats", (string domain, string? tail) => GetStats(world, domain, tail));
        portal.MapPost("/expire-tokens", (string domain) => ExpireTokens(world, domain));
        portal.MapControlSettings(world);
        portal.MapControlOperatingLimit(world);
        portal.MapControlPortalCloud(world);
        portal.MapControlInstalls(world);
        portal.MapControlUsers(world);
        portal.MapControlGenerators(world, generators, logger);
        portal.MapControlObjects(world);
        portal.MapControlTypes(world);
        portal.MapControlFields(world);
        return endpoints;
    }

    public static JsonHttpResult<IReadOnlyList<PortalView>> ListPortals(BitrixWorld world) =>
        ControlJson.Json<IReadOnlyList<PortalView>>([.. world.Portals.OrderBy(p => p.Domain, StringComparer.OrdinalIgnoreCase).Select(p => View(world, p))]);

    public static async Task<Results<JsonHttpResult<PortalView>, ProblemHttpResult>> CreatePortalAsync(BitrixWorld world, HttpRequest request, ILogger logger)
    {
        var (body, problem) = await ControlJson.ReadAsync<CreatePortalRequest>(request).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var domain = body!.Domain?.Trim() ?? "";
        if (!ControlValidation.IsDomain(domain))
        {
            return ControlJson.BadRequest($"domain must be a host name such as demo.bitrix24.test, not '{domain}'.");
        }

        if (world.FindPortal(domain) is not null)
        {
            return ControlJson.Conflict($"Portal {domain} exists already.");
        }

        EmulatedPortal portal;
        try
        {
            portal = world.CreatePortal(domain);
        }
        catch (InvalidOperationException ex)
        {
            return ControlJson.Conflict(ex.Message);
        }

        ControlLog.PortalCreated(logger, domain);
        return ControlJson.Json(View(world, portal), StatusCodes.Status201Created);
    }

    public static Results<JsonHttpResult<PortalView>, ProblemHttpResult> GetPortal(BitrixWorld world, string domain) =>
        world.FindPortal(domain) is { } portal ? ControlJson.Json(View(world, portal)) : ControlJson.NoPortal(domain);

    public static Results<JsonHttpResult<StatsView>, ProblemHttpResult> GetStats(BitrixWorld world, string domain, string? tail)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var take = DefaultLogTail;
        if (tail is not null && (!int.TryParse(tail, out take) || take < 0 || take > MaxLogTail))
        {
            return ControlJson.BadRequest($"tail must be an integer from 0 to {MaxLogTail}.");
        }

        var stats = portal.Stats;
        var log = stats.CallLog;
        return ControlJson.Json(new StatsView(
            stats.Requests,
            stats.Connections,
            stats.Calls,
            stats.RejectedByLimit,
            stats.RejectedByOperatingLimit,
            stats.MaxConcurrentRequests,
            Math.Round(portal.Bucket.Level, 3),
            [.. log.Skip(Math.Max(0, log.Count - take))]));
    }

    public static Results<NoContent, ProblemHttpResult> ExpireTokens(BitrixWorld world, string domain)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        world.OAuth.ExpireAccessTokens(portal);
        return TypedResults.NoContent();
    }

    internal static PortalView View(BitrixWorld world, EmulatedPortal portal)
    {
        var generator = ControlGenerators.Of(world).Find(portal);
        return new PortalView(
            portal.Domain,
            portal.MemberId,
            portal.ClientEndpoint.ToString(),
            [.. portal.Installations.OrderBy(i => i.App.ClientId, StringComparer.Ordinal).Select(i => new InstalledAppView(
                i.App.ClientId, i.UserId, portal.Users.IsAdmin(i.UserId), i.ApplicationToken, portal.FormatTime(i.InstalledAt)))],
            new Dictionary<string, bool>
            {
                [EmulatedPortal.OfflineExtendedFeature] = portal.HasFeature(EmulatedPortal.OfflineExtendedFeature),
                [EmulatedPortal.AuthConnectorFeature] = portal.HasFeature(EmulatedPortal.AuthConnectorFeature),
            },
            portal.Queue.Count,
            generator is null ? null : new GeneratorView(true, generator.ChangesMade, generator.Options.ChangesPerSecond, generator.Options.Objects));
    }
}
