using System.Diagnostics;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Sync.Passes;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// What the benchmarks do to an emulated portal around the service: install the app, wait for the initial load or for
/// the service to go quiet, and bind events with the app's own token as the service's registration would.
/// </summary>
internal static class BenchPortal
{
    public static async Task<EmulatedPortal> InstallAsync(BitrixWorld world, BenchService service, EmulatedPortal portal)
    {
        var outcome = await world.InstallAppAsync(portal, service.EventsUrl);
        return outcome.CallbackStatus == 200 ? portal : throw new InvalidOperationException($"Install failed: {outcome.CallbackStatus}");
    }

    /// <summary>The initial load of what the portal held at the install (its types among it) is over.</summary>
    public static async Task WaitUntilLoadedAsync(BenchService service, EmulatedPortal portal)
    {
        var planner = service.Get<PassPlanner>();
        var passes = service.Get<IPassStore>();
        while (true)
        {
            // The passes of the types (where smart processes are synced) and of the field lists come first.
            var entities = (await planner.NamesAsync(portal.MemberId, CancellationToken.None)).ToHashSet();
            var loaded = (await passes.ForPortalAsync(portal.MemberId, CancellationToken.None)).Where(p => p.Kind == PassKind.Load && p.IsDone).Select(p => p.Entity);
            if (entities.IsSubsetOf(loaded))
            {
                return;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits until no REST request has reached the portal for <paramref name="quiet"/>: the service's turns are over.
    /// Changes made as a portal user (<see cref="BitrixWorld.CallAsUser"/>) are no requests, so only the apps' count.
    /// </summary>
    public static async Task WaitUntilQuietAsync(EmulatedPortal portal, TimeSpan quiet)
    {
        var seen = portal.Stats.Requests;
        var since = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(since) < quiet)
        {
            await Task.Delay(50);
            if (portal.Stats.Requests != seen)
            {
                seen = portal.Stats.Requests;
                since = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>A client with the app's last issued access token, for calls the benchmark makes as the app.</summary>
    public static HttpClient AppClient(BitrixWorld world, EmulatedPortal portal) =>
        new() { BaseAddress = portal.ClientEndpoint, DefaultRequestHeaders = { Authorization = new("Bearer", world.OAuth.LastIssued(portal, world.DefaultApp)!.AccessToken) } };

    /// <summary>Binds <paramref name="events"/> offline in one batch.</summary>
    public static async Task BindOfflineAsync(HttpClient app, IEnumerable<string> events, CancellationToken cancellationToken = default)
    {
        var cmd = new JsonObject();
        foreach (var name in events)
        {
            cmd[name] = $"event.bind?event={name}&event_type=offline";
        }

        using var body = JsonContent(new JsonObject { ["cmd"] = cmd });
        using var response = await app.PostAsync("batch", body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Binds the doorbell (ONOFFLINEEVENT, online, <c>minTimeout</c> 1) at <paramref name="handler"/>, as the service's registration does.</summary>
    public static async Task BindDoorbellAsync(HttpClient app, Uri handler)
    {
        using var body = JsonContent(new JsonObject
        {
            ["event"] = "ONOFFLINEEVENT",
            ["handler"] = handler.ToString(),
            ["options"] = new JsonObject { ["minTimeout"] = 1 },
        });
        using var response = await app.PostAsync("event.bind", body);
        response.EnsureSuccessStatusCode();
    }

    private static StringContent JsonContent(JsonObject body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
