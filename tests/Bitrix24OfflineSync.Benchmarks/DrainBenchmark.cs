using System.Diagnostics;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Emulator.Time;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sinks.Database;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// A backlog on one portal with the emulator's limits on (burst 50, 2 requests/s), drained by the service's strategy
/// (batched reservations, list fetches of 50 ids, 50 commands a request) and by a naive one (one get per object).
/// The naive drain is limited by the budget alone, so it runs on a sample, on a clock 100 times faster; both rates
/// are in the portal's own time, the one the 2 requests/s are counted in.
/// </summary>
internal static class DrainBenchmark
{
    private static readonly string[] Entities = ["deal", "contact", "company", "lead"];

    public static async Task RunAsync(int changes, int naiveSample)
    {
        Console.WriteLine($"drain benchmark: {changes} changes on one portal, limits on (burst 50, 2 req/s)");
        var ours = await OursAsync(changes);
        var naive = await NaiveAsync(naiveSample);
        Console.WriteLine($"  ours : {ours.Objects,7} objects, {ours.Requests,6} requests, {ours.RequestsPerObject:0.00000} req/object, {ours.ObjectsPerSecond,8:0} objects/s, peak memory {ours.PeakMemoryMb:0} MB");
        Console.WriteLine($"  naive: {naive.Objects,7} objects, {naive.Requests,6} requests, {naive.RequestsPerObject:0.00000} req/object, {naive.ObjectsPerSecond,8:0.00} objects/s (sample of {naiveSample})");
    }

    private static async Task<Result> OursAsync(int changes)
    {
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions()));
        await using var service = await BenchService.StartAsync(emulator.World, new Dictionary<string, string?> { ["Sync:PollInterval"] = "01:00:00" });
        var portal = await InstallAsync(emulator.World, service);
        using var app = AppClient(emulator.World, portal);
        await BindOfflineAsync(app);
        Backlog(emulator.World, portal, changes);
        await emulator.World.WhenEventsWrittenAsync();
        var requestsBefore = portal.Stats.Requests;
        var watch = Stopwatch.StartNew();
        await BindDoorbellAsync(app, service.EventsUrl);
        emulator.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "rings the doorbell" } });
        await emulator.World.WhenEventsWrittenAsync();
        var mirror = service.Get<IMirrorStore>();
        while (portal.Queue.Count > 0)
        {
            await Task.Delay(50);
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var objects = (await mirror.ListAsync(portal.MemberId, CancellationToken.None)).Count;
        var requests = portal.Stats.Requests - requestsBefore;
        return new Result(objects, requests, objects / seconds, Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0);
    }

    private static async Task<Result> NaiveAsync(int sample)
    {
        var clock = new ScaledTimeProvider(100);
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions(), clock));
        await using var service = await BenchService.StartAsync(emulator.World, new Dictionary<string, string?> { ["Sync:PollInterval"] = "01:00:00" }, clock);
        var portal = await InstallAsync(emulator.World, service);
        using var app = AppClient(emulator.World, portal);
        await BindOfflineAsync(app);
        Backlog(emulator.World, portal, sample);
        await emulator.World.WhenEventsWrittenAsync();
        var client = service.Get<BitrixClient>();
        var mirror = service.Get<IMirrorStore>();
        var requestsBefore = portal.Stats.Requests;
        var started = clock.GetUtcNow();
        var objects = 0;
        while (true)
        {
            var reserved = await client.CallAsync(portal.MemberId, "event.offline.get", new JsonObject { ["clear"] = 0, ["limit"] = 50 }, CancellationToken.None);
            var events = reserved.Result?["events"] as JsonArray ?? [];
            if (events.Count == 0)
            {
                break;
            }

            foreach (var e in events)
            {
                var name = e!["EVENT_NAME"]!.ToString();
                var entity = Entities.First(x => name.Contains(x.ToUpperInvariant(), StringComparison.Ordinal));
                var id = e["EVENT_DATA"]!["FIELDS"]!["ID"]!.ToString();
                var state = await client.CallAsync(portal.MemberId, $"crm.{entity}.get", new JsonObject { ["id"] = id }, CancellationToken.None);
                await mirror.UpsertAsync(portal.MemberId, [new ObjectChange(new ObjectKey($"crm.{entity}", id), ChangeAction.Upsert, state.Result, null, clock.GetUtcNow(), [name], [e["MESSAGE_ID"]!.ToString()])], fence: null, CancellationToken.None);
                objects++;
            }

            await client.CallAsync(portal.MemberId, "event.offline.clear", new JsonObject { ["process_id"] = reserved.Result!["process_id"]!.ToString() }, CancellationToken.None);
        }

        var seconds = (clock.GetUtcNow() - started).TotalSeconds;
        return new Result(objects, portal.Stats.Requests - requestsBefore, objects / seconds, 0);
    }

    /// <summary>Adds objects spread over the four CRM entities, as portal users would (each queues one offline row).</summary>
    private static void Backlog(BitrixWorld world, EmulatedPortal portal, int changes)
    {
        for (var i = 0; i < changes; i++)
        {
            var entity = Entities[i % Entities.Length];
            world.CallAsUser(portal, $"crm.{entity}.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"{entity} {i}", ["NAME"] = $"Name {i}" } });
        }
    }

    private static async Task<EmulatedPortal> InstallAsync(BitrixWorld world, BenchService service)
    {
        var portal = world.CreatePortal("bench.bitrix24.test");
        var outcome = await world.InstallAppAsync(portal, service.EventsUrl);
        return outcome.CallbackStatus == 200 ? portal : throw new InvalidOperationException($"Install failed: {outcome.CallbackStatus}");
    }

    private static HttpClient AppClient(BitrixWorld world, EmulatedPortal portal) =>
        new() { BaseAddress = portal.ClientEndpoint, DefaultRequestHeaders = { Authorization = new("Bearer", world.OAuth.LastIssued(portal, world.DefaultApp)!.AccessToken) } };

    private static async Task BindOfflineAsync(HttpClient app)
    {
        var cmd = new JsonObject();
        foreach (var entity in Entities)
        {
            foreach (var action in new[] { "ADD", "UPDATE", "DELETE" })
            {
                var name = $"ONCRM{entity.ToUpperInvariant()}{action}";
                cmd[name] = $"event.bind?event={name}&event_type=offline";
            }
        }

        using var response = await app.PostAsync("batch", JsonContent(new JsonObject { ["cmd"] = cmd }));
        response.EnsureSuccessStatusCode();
    }

    private static async Task BindDoorbellAsync(HttpClient app, Uri handler)
    {
        using var response = await app.PostAsync("event.bind", JsonContent(new JsonObject
        {
            ["event"] = "ONOFFLINEEVENT",
            ["handler"] = handler.ToString(),
            ["options"] = new JsonObject { ["minTimeout"] = 1 },
        }));
        response.EnsureSuccessStatusCode();
    }

    private static StringContent JsonContent(JsonObject body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    private sealed record Result(int Objects, int Requests, double ObjectsPerSecond, double PeakMemoryMb)
    {
        public double RequestsPerObject => (double)Requests / Objects;
    }
}
