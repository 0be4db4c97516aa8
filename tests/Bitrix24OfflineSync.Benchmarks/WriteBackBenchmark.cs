using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Writes;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// What writing back costs: on one portal with the limits on (burst 50, 2 req/s) and the service's connector, N creates
/// through the write API, then N updates of those deals (every other one with <c>ifUnmodifiedSince</c>, so a conflict
/// read goes first), each phase timed from the first POST until every write is final; the REST requests are counted
/// from the emulator's call log and listed by kind, and the echoes (queue rows for the connector), the duplicates
/// (deals sharing an origin) and the writes not applied are counted.
/// </summary>
internal static class WriteBackBenchmark
{
    private const string Key = "bench-write-api-key-0123456789";
    private const string Connector = "b24sync";

    public static async Task RunAsync(int writes)
    {
        Console.WriteLine($"write-back benchmark: {writes} creates, then {writes} updates (half with ifUnmodifiedSince), to one portal at the default limits (burst 50, 2 req/s), connector '{Connector}'");
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions()));
        var world = emulator.World;
        var management = $"http://127.0.0.1:{BenchService.FreePort()}";
        await using var service = await BenchService.StartAsync(
            world,
            new Dictionary<string, string?>
            {
                ["Sync:PollInterval"] = "01:00:00",
                ["Metrics:Urls"] = management,
                ["WriteApi:Keys"] = Key,
                ["Bitrix24:AuthConnector"] = Connector,
            },
            bindsEvents: true);
        var portal = world.CreatePortal("writes.bitrix24.test");
        await BenchPortal.InstallAsync(world, service, portal);
        await BenchPortal.WaitUntilLoadedAsync(service, portal);
        await BenchPortal.WaitUntilQuietAsync(portal, TimeSpan.FromSeconds(2));
        using var api = new HttpClient { BaseAddress = new Uri(management) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        var store = service.Get<IWriteStore>();

        var creates = Enumerable.Range(0, writes).Select(i => Write($"c-{i}", "create", null, new JsonObject { ["TITLE"] = $"Deal {i}" }, null)).ToList();
        await PhaseAsync("creates", creates);
        var ids = new List<string>();
        foreach (var i in Enumerable.Range(0, writes))
        {
            ids.Add((await store.FindAsync(portal.MemberId, $"c-{i}", CancellationToken.None))?.ObjectId ?? "0");
        }

        var since = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var updates = Enumerable.Range(0, writes).Select(i => Write($"u-{i}", "update", ids[i], new JsonObject { ["COMMENTS"] = $"updated {i}" }, i % 2 == 0 ? since : null)).ToList();
        await PhaseAsync("updates", updates);

        await world.WhenEventsWrittenAsync(CancellationToken.None);
        var deals = portal.Crm.Snapshot(CrmEntityType.Deal);
        var duplicates = deals.Count - deals.Select(d => d["ORIGIN_ID"]?.ToString()).Distinct(StringComparer.Ordinal).Count();
        var mirrored = (await service.Get<IMirrorStore>().ListAsync(portal.MemberId, CancellationToken.None)).Count(r => r.Origin == "write");
        var notApplied = (await store.ListAsync(portal.MemberId, null, 10 * writes, CancellationToken.None)).Count(w => w.Status != WriteStatus.Applied);
        Console.WriteLine($"  deals on the portal: {deals.Count}; duplicates: {duplicates}; writes not applied: {notApplied}; mirror rows from writes: {mirrored}");
        Console.WriteLine($"  echoes (queue rows for the service's connector): {portal.Queue.Depth(world.DefaultApp, Connector)}");

        async Task PhaseAsync(string name, List<JsonObject> phase)
        {
            await BenchPortal.WaitUntilQuietAsync(portal, TimeSpan.FromSeconds(2));
            var mark = world.NextSequence();
            var before = portal.Stats.Requests;
            var watch = Stopwatch.StartNew();
            foreach (var chunk in phase.Chunk(500))
            {
                using var body = new StringContent(new JsonObject { ["writes"] = new JsonArray([.. chunk]) }.ToJsonString(), Encoding.UTF8, "application/json");
                using var answer = await api.PostAsync($"api/v1/portals/{portal.MemberId}/writes", body);
                answer.EnsureSuccessStatusCode();
            }

            while ((await store.OpenAsync(portal.MemberId, 1, CancellationToken.None)).Count > 0)
            {
                await Task.Delay(50);
            }

            var elapsed = watch.Elapsed;
            await BenchPortal.WaitUntilQuietAsync(portal, TimeSpan.FromSeconds(2));
            var requests = portal.Stats.Requests - before;
            var listed = LoggedRequest.Since(portal, mark, world.DefaultApp.ClientId);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {phase.Count} writes final in {elapsed.TotalSeconds:0.0} s with {requests} REST requests ({(double)requests / phase.Count:0.000} a write)"));
            foreach (var kind in listed.GroupBy(r => Kind(r.Describe())))
            {
                Console.WriteLine($"    {kind.Count(),3} x {kind.Key}");
            }
        }
    }

    /// <summary>A request's kind without its counts: "batch: crm.deal.add, crm.deal.get".</summary>
    private static string Kind(string description) =>
        string.Join(", ", description.Split(", ").Select(part => part.Split(" x")[0]));

    private static JsonObject Write(string key, string action, string? id, JsonObject fields, string? ifUnmodifiedSince)
    {
        var write = new JsonObject { ["key"] = key, ["entity"] = "crm.deal", ["action"] = action, ["fields"] = fields };
        if (id is not null)
        {
            write["id"] = id;
        }

        if (ifUnmodifiedSince is not null)
        {
            write["ifUnmodifiedSince"] = ifUnmodifiedSince;
        }

        return write;
    }
}
