using Bitrix24OfflineSync.Emulator.Portals;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>The per-method operating-time limit of one portal: its settings, changeable while it runs, and what each method has spent.</summary>
internal static class ControlOperatingLimitEndpoints
{
    public static RouteGroupBuilder MapControlOperatingLimit(this RouteGroupBuilder portal, BitrixWorld world)
    {
        portal.MapGet("/operating-limit", (string domain) => GetOperatingLimit(world, domain));
        portal.MapPut("/operating-limit", (string domain, HttpRequest request) => PutOperatingLimitAsync(world, domain, request));
        return portal;
    }

    public static Results<JsonHttpResult<OperatingLimitView>, ProblemHttpResult> GetOperatingLimit(BitrixWorld world, string domain) =>
        world.FindPortal(domain) is { } portal ? ControlJson.Json(View(portal)) : ControlJson.NoPortal(domain);

    /// <summary>
    /// Changes the portal's limiter; what the body leaves out keeps its current value (a given costPerCallSeconds
    /// replaces the whole map), and what was already counted stays counted.
    /// </summary>
    public static async Task<Results<JsonHttpResult<OperatingLimitView>, ProblemHttpResult>> PutOperatingLimitAsync(BitrixWorld world, string domain, HttpRequest request)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var (body, problem) = await ControlJson.ReadAsync<OperatingLimitRequest>(request).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var options = portal.OperatingLimiter.Options;
        var limit = body!.LimitSeconds ?? options.Limit.TotalSeconds;
        var window = body.WindowSeconds ?? options.Window.TotalSeconds;
        if (!(limit > 0) || double.IsInfinity(limit) || window < 1 || window > int.MaxValue || window != Math.Floor(window))
        {
            return ControlJson.BadRequest("limitSeconds must be a positive number and windowSeconds a whole number of seconds, at least 1.");
        }

        var badCosts = (body.CostPerCallSeconds ?? new Dictionary<string, double>())
            .Where(c => string.IsNullOrWhiteSpace(c.Key) || !(c.Value >= 0) || double.IsInfinity(c.Value))
            .Select(c => c.Key)
            .ToList();
        if (badCosts.Count > 0)
        {
            return ControlJson.BadRequest($"costPerCallSeconds needs method names and costs of 0 or more seconds, not '{badCosts[0]}'.");
        }

        var updated = options.Clone();
        updated.Enabled = body.Enabled ?? options.Enabled;
        updated.Limit = TimeSpan.FromSeconds(limit);
        updated.Window = TimeSpan.FromSeconds(window);
        if (body.CostPerCallSeconds is { } costs)
        {
            updated.CostPerCall.Clear();
            foreach (var (method, seconds) in costs)
            {
                updated.CostPerCall[method.Trim().ToLowerInvariant()] = TimeSpan.FromSeconds(seconds);
            }
        }

        portal.OperatingLimiter.Configure(updated);
        return ControlJson.Json(View(portal));
    }

    private static OperatingLimitView View(EmulatedPortal portal)
    {
        var options = portal.OperatingLimiter.Options;
        return new OperatingLimitView(
            options.Enabled,
            options.Limit.TotalSeconds,
            options.Window.TotalSeconds,
            options.CostPerCall.ToDictionary(c => c.Key, c => c.Value.TotalSeconds, StringComparer.Ordinal),
            [.. portal.OperatingLimiter.Usage().Select(u => new OperatingUsageView(u.ClientId, u.Method, Math.Round(u.Operating, 6), u.ResetAt))]);
    }
}
