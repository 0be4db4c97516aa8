using Bitrix24OfflineSync.Emulator.Portals;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>Faults, plan features and the request-intensity limit of one portal, switchable while it runs.</summary>
internal static class ControlSettingsEndpoints
{
    private const int MaxLatencyMs = 600_000;
    private const int MaxDropCount = 100_000;
    private const string KnownFeatures = EmulatedPortal.OfflineExtendedFeature + " or " + EmulatedPortal.AuthConnectorFeature;

    public static RouteGroupBuilder MapControlSettings(this RouteGroupBuilder portal, BitrixWorld world)
    {
        portal.MapGet("/faults", (string domain) => GetFaults(world, domain));
        portal.MapPut("/faults", (string domain, HttpRequest request) => PutFaultsAsync(world, domain, request));
        portal.MapDelete("/faults", (string domain) => ClearFaults(world, domain));
        portal.MapPut("/features/{code}", (string domain, string code, HttpRequest request) => PutFeatureAsync(world, domain, code, request));
        portal.MapGet("/rate-limit", (string domain) => GetRateLimit(world, domain));
        portal.MapPut("/rate-limit", (string domain, HttpRequest request) => PutRateLimitAsync(world, domain, request));
        return portal;
    }

    public static Results<JsonHttpResult<FaultsView>, ProblemHttpResult> GetFaults(BitrixWorld world, string domain) =>
        world.FindPortal(domain) is { } portal ? ControlJson.Json(FaultsOf(portal)) : ControlJson.NoPortal(domain);

    /// <summary>Replaces the portal's faults: what the body leaves out is switched off, queued targeted drops included.</summary>
    public static async Task<Results<JsonHttpResult<FaultsView>, ProblemHttpResult>> PutFaultsAsync(BitrixWorld world, string domain, HttpRequest request)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var (body, problem) = await ControlJson.ReadAsync<FaultsRequest>(request).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var latency = body!.LatencyMs ?? 0;
        var serverErrorRate = body.ServerErrorRate ?? 0;
        var dropResponseRate = body.DropResponseRate ?? 0;
        if (latency is < 0 or > MaxLatencyMs)
        {
            return ControlJson.BadRequest($"latencyMs must be from 0 to {MaxLatencyMs}.");
        }

        if (!IsShare(serverErrorRate) || !IsShare(dropResponseRate))
        {
            return ControlJson.BadRequest("serverErrorRate and dropResponseRate must be shares from 0 to 1.");
        }

        if (body.DropNext is { } drop && (string.IsNullOrWhiteSpace(drop.Method) || drop.Count is < 1 or > MaxDropCount))
        {
            return ControlJson.BadRequest($"dropNext needs a method and a count from 1 to {MaxDropCount} (default 1).");
        }

        portal.Faults.Clear();
        portal.Faults.Latency = TimeSpan.FromMilliseconds(latency);
        portal.Faults.ServerErrorRate = serverErrorRate;
        portal.Faults.DropResponseRate = dropResponseRate;
        if (body.DropNext is { } next)
        {
            portal.Faults.DropNextResponses(next.Method!.Trim().ToLowerInvariant(), next.Count ?? 1);
        }

        return ControlJson.Json(FaultsOf(portal));
    }

    public static Results<NoContent, ProblemHttpResult> ClearFaults(BitrixWorld world, string domain)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        portal.Faults.Clear();
        return TypedResults.NoContent();
    }

    public static async Task<Results<JsonHttpResult<FeatureView>, ProblemHttpResult>> PutFeatureAsync(BitrixWorld world, string domain, string code, HttpRequest request)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var (body, problem) = await ControlJson.ReadAsync<FeatureRequest>(request).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Enabled is not { } enabled)
        {
            return ControlJson.BadRequest("enabled (true or false) is required.");
        }

        if (!code.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
        {
            return ControlJson.BadRequest($"'{code}' is not a feature code such as {KnownFeatures}.");
        }

        portal.SetFeature(code, enabled);
        return ControlJson.Json(new FeatureView(code, portal.HasFeature(code)));
    }

    public static Results<JsonHttpResult<RateLimitView>, ProblemHttpResult> GetRateLimit(BitrixWorld world, string domain) =>
        world.FindPortal(domain) is { } portal ? ControlJson.Json(RateLimitOf(portal)) : ControlJson.NoPortal(domain);

    /// <summary>Changes the portal's leaky bucket; what the body leaves out keeps its current value, and so does the level.</summary>
    public static async Task<Results<JsonHttpResult<RateLimitView>, ProblemHttpResult>> PutRateLimitAsync(BitrixWorld world, string domain, HttpRequest request)
    {
        if (world.FindPortal(domain) is not { } portal)
        {
            return ControlJson.NoPortal(domain);
        }

        var (body, problem) = await ControlJson.ReadAsync<RateLimitRequest>(request).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var current = portal.Bucket.Options;
        var options = new LeakyBucketOptions
        {
            Enabled = body!.Enabled ?? current.Enabled,
            BurstLimit = body.BurstLimit ?? current.BurstLimit,
            DrainPerSecond = body.DrainPerSecond ?? current.DrainPerSecond,
        };
        if (options.BurstLimit < 1 || !(options.DrainPerSecond > 0) || double.IsInfinity(options.DrainPerSecond))
        {
            return ControlJson.BadRequest("burstLimit must be at least 1 and drainPerSecond a positive number.");
        }

        portal.Bucket.Configure(options);
        return ControlJson.Json(RateLimitOf(portal));
    }

    private static bool IsShare(double value) => value is >= 0 and <= 1;

    private static FaultsView FaultsOf(EmulatedPortal portal) =>
        new((long)portal.Faults.Latency.TotalMilliseconds, portal.Faults.ServerErrorRate, portal.Faults.DropResponseRate);

    private static RateLimitView RateLimitOf(EmulatedPortal portal)
    {
        var options = portal.Bucket.Options;
        return new RateLimitView(options.Enabled, options.BurstLimit, options.DrainPerSecond, Math.Round(portal.Bucket.Level, 3));
    }
}
