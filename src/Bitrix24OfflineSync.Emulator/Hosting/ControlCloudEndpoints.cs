using Microsoft.AspNetCore.Http.HttpResults;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>
/// The cloud profile (round trip and processing per command), for one portal or for every portal at once, and the
/// connections the server accepted.
/// </summary>
internal static class ControlCloudEndpoints
{
    private const double MaxMilliseconds = 600_000;

    public static RouteGroupBuilder MapControlCloud(this RouteGroupBuilder root, BitrixWorld world)
    {
        root.MapGet("/cloud-profile", () => ControlJson.Json(View(world.CloudProfileDefaults)));
        root.MapPut("/cloud-profile", async (HttpRequest request) =>
        {
            var (options, problem) = await ReadAsync(request, world.CloudProfileDefaults).ConfigureAwait(false);
            if (problem is not null)
            {
                return (Results<JsonHttpResult<CloudProfileView>, ProblemHttpResult>)problem;
            }

            world.ConfigureCloudProfile(options!);
            return ControlJson.Json(View(world.CloudProfileDefaults));
        });
        root.MapGet("/connections", () => ControlJson.Json(new ConnectionsView(
            world.ConnectionsAccepted,
            world.Portals.OrderBy(p => p.Domain, StringComparer.OrdinalIgnoreCase).ToDictionary(p => p.Domain, p => p.Stats.Connections, StringComparer.OrdinalIgnoreCase))));
        return root;
    }

    public static RouteGroupBuilder MapControlPortalCloud(this RouteGroupBuilder portal, BitrixWorld world)
    {
        portal.MapGet("/cloud-profile", (string domain) => world.FindPortal(domain) is { } found
            ? (Results<JsonHttpResult<CloudProfileView>, ProblemHttpResult>)ControlJson.Json(View(found.Cloud.Options))
            : ControlJson.NoPortal(domain));
        portal.MapPut("/cloud-profile", async (string domain, HttpRequest request) =>
        {
            if (world.FindPortal(domain) is not { } found)
            {
                return (Results<JsonHttpResult<CloudProfileView>, ProblemHttpResult>)ControlJson.NoPortal(domain);
            }

            var (options, problem) = await ReadAsync(request, found.Cloud.Options).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            found.Cloud.Configure(options!);
            return ControlJson.Json(View(found.Cloud.Options));
        });
        return portal;
    }

    /// <summary>The new settings: what the body leaves out keeps its current value (a given costPerMethodMs replaces the whole map).</summary>
    private static async Task<(CloudProfileOptions? Options, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CloudProfileOptions current)
    {
        var (body, problem) = await ControlJson.ReadAsync<CloudProfileRequest>(request).ConfigureAwait(false);
        if (problem is not null)
        {
            return (null, problem);
        }

        var given = new[] { body!.RoundTripMs, body.GetMs, body.ListFewFieldsMs, body.ListAllFieldsMs, body.OfflineGetMs, body.WriteMs, body.FieldsMs, body.OtherMs }
            .Concat((body.CostPerMethodMs ?? new Dictionary<string, double>()).Values.Select(v => (double?)v));
        if (given.Any(ms => ms is { } value && !(value is >= 0 and <= MaxMilliseconds)) ||
            (body.CostPerMethodMs ?? new Dictionary<string, double>()).Keys.Any(string.IsNullOrWhiteSpace))
        {
            return (null, ControlJson.BadRequest($"Times are milliseconds from 0 to {MaxMilliseconds}, and costPerMethodMs needs method names."));
        }

        var options = current.Clone();
        options.Enabled = body.Enabled ?? current.Enabled;
        options.RoundTrip = Ms(body.RoundTripMs, current.RoundTrip);
        options.Get = Ms(body.GetMs, current.Get);
        options.ListFewFields = Ms(body.ListFewFieldsMs, current.ListFewFields);
        options.ListAllFields = Ms(body.ListAllFieldsMs, current.ListAllFields);
        options.OfflineGet = Ms(body.OfflineGetMs, current.OfflineGet);
        options.Write = Ms(body.WriteMs, current.Write);
        options.Fields = Ms(body.FieldsMs, current.Fields);
        options.Other = Ms(body.OtherMs, current.Other);
        if (body.CostPerMethodMs is { } costs)
        {
            options.CostPerMethod.Clear();
            foreach (var (method, ms) in costs)
            {
                options.CostPerMethod[method.Trim().ToLowerInvariant()] = TimeSpan.FromMilliseconds(ms);
            }
        }

        return (options, null);
    }

    private static TimeSpan Ms(double? given, TimeSpan current) => given is { } ms ? TimeSpan.FromMilliseconds(ms) : current;

    private static CloudProfileView View(CloudProfileOptions options) => new(
        options.Enabled,
        options.RoundTrip.TotalMilliseconds,
        options.Get.TotalMilliseconds,
        options.ListFewFields.TotalMilliseconds,
        options.ListAllFields.TotalMilliseconds,
        options.OfflineGet.TotalMilliseconds,
        options.Write.TotalMilliseconds,
        options.Fields.TotalMilliseconds,
        options.Other.TotalMilliseconds,
        options.CostPerMethod.ToDictionary(c => c.Key, c => c.Value.TotalMilliseconds, StringComparer.Ordinal));
}
