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
/// The backlog mixes the four classic CRM entities, items of two smart processes and of the invoices (type 31), and
/// activities. The naive drain (classic entities only) is limited by the budget alone, so it runs on a sample, on a
/// clock 100 times faster; both rates are in the portal's own time, the one the 2 requests/s are counted in.
/// </summary>
internal static class DrainBenchmark
{
    private static readonly string[] Entities = ["deal", "contact", "company", "lead"];

    private static readonly string[] OfflineEvents =
    [
        .. Entities.SelectMany(e => new[] { "ADD", "UPDATE", "DELETE" }.Select(a => $"ONCRM{e.ToUpperInvariant()}{a}")),
        "ONCRMDYNAMICITEMADD", "ONCRMDYNAMICITEMUPDATE", "ONCRMDYNAMICITEMDELETE",
        "ONCRMACTIVITYADD", "ONCRMACTIVITYUPDATE", "ONCRMACTIVITYDELETE",
    ];

    public static async Task RunAsync(int changes, int naiveSample)
    {
        Console.WriteLine($"drain benchmark: {changes} changes on one portal (deals, contacts, companies, leads, two smart processes, invoices, activities), limits on (burst 50, 2 req/s)");
        var ours = await OursAsync(changes);
        var naive = await NaiveAsync(naiveSample);
        Console.WriteLine($"  ours : {ours.Objects,7} objects, {ours.Requests,6} requests, {ours.RequestsPerObject:0.00000} req/object, {ours.ObjectsPerSecond,8:0} objects/s, peak memory {ours.PeakMemoryMb:0} MB");
        Console.WriteLine($"  naive: {naive.Objects,7} objects, {naive.Requests,6} requests, {naive.RequestsPerObject:0.00000} req/object, {naive.ObjectsPerSecond,8:0.00} objects/s (sample of {naiveSample})");
    }

    private static async Task<Result> OursAsync(int changes)
    {
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions()));
        await using var service = await BenchService.StartAsync(emulator.World, new Dictionary<string, string?>
        {
            ["Sync:PollInterval"] = "01:00:00",
            ["Bitrix24:Events"] = string.Join(',', OfflineEvents),
        });
        var world = emulator.World;
        var portal = world.CreatePortal("bench.bitrix24.test");
        int[] types = [portal.SmartProcesses.AddType("Orders").EntityTypeId, portal.SmartProcesses.AddType("Shipments").EntityTypeId, 31];
        var owner = world.Seed(portal, "crm.contact", 1, seed: 1).FirstId;
        await BenchPortal.InstallAsync(world, service, portal);
        await BenchPortal.WaitUntilLoadedAsync(service, portal);
        using var app = BenchPortal.AppClient(world, portal);
        await BenchPortal.BindOfflineAsync(app, OfflineEvents);
        MixedBacklog(world, portal, changes, types, owner);
        await emulator.World.WhenEventsWrittenAsync();
        var requestsBefore = portal.Stats.Requests;
        var watch = Stopwatch.StartNew();
        await BenchPortal.BindDoorbellAsync(app, service.EventsUrl);
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
        var portal = await BenchPortal.InstallAsync(emulator.World, service, emulator.World.CreatePortal("bench.bitrix24.test"));
        // The service's own first turn is over before the backlog is made: the naive drain has the queue to itself.
        await BenchPortal.WaitUntilLoadedAsync(service, portal);
        using var app = BenchPortal.AppClient(emulator.World, portal);
        await BenchPortal.BindOfflineAsync(app, OfflineEvents);
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

    /// <summary>
    /// Adds objects in turn: deals, contacts, companies, leads, items of each smart-process type, and calls on
    /// <paramref name="owner"/> (each queues one offline row).
    /// </summary>
    private static void MixedBacklog(BitrixWorld world, EmulatedPortal portal, int changes, int[] types, long owner)
    {
        var kinds = Entities.Length + types.Length + 1;
        for (var i = 0; i < changes; i++)
        {
            var kind = i % kinds;
            if (kind < Entities.Length)
            {
                var entity = Entities[kind];
                world.CallAsUser(portal, $"crm.{entity}.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"{entity} {i}", ["NAME"] = $"Name {i}" } });
            }
            else if (kind < Entities.Length + types.Length)
            {
                world.CallAsUser(portal, "crm.item.add", new JsonObject { ["entityTypeId"] = types[kind - Entities.Length], ["fields"] = new JsonObject { ["title"] = $"item {i}" } });
            }
            else
            {
                world.CallAsUser(portal, "crm.activity.add", JsonNode.Parse($$$"""
                    {"fields":{"OWNER_TYPE_ID":3,"OWNER_ID":{{{owner}}},"TYPE_ID":2,"SUBJECT":"call {{{i}}}","COMMUNICATIONS":[{"VALUE":"+15550001"}],
                     "START_TIME":"2026-05-01T10:00:00+00:00","END_TIME":"2026-05-01T10:30:00+00:00"}}
                    """)!.AsObject());
            }
        }
    }

    private sealed record Result(int Objects, int Requests, double ObjectsPerSecond, double PeakMemoryMb)
    {
        public double RequestsPerObject => (double)Requests / Objects;
    }
}
