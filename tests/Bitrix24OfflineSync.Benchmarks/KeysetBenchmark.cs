using System.Diagnostics;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// What an initial load or a drift check costs the emulated server (bitrix24-api.md §12): batches of 50 keyset pages
/// (<c>order[ID]=ASC</c>, <c>filter[&gt;ID]</c> and <c>filter[&lt;=ID]</c> 50 IDs apart, <c>start=-1</c>) over a portal
/// holding N seeded deals and N seeded tasks, with every field (a load) or the ID and last change (a drift check), a
/// whole pass, and the newest-ID probe. The figure is the server's own <c>processing</c> time from the answer's
/// <c>time</c> block, so the HTTP stack and the JSON on the wire are left out of it.
/// </summary>
internal static class KeysetBenchmark
{
    private const int PageSize = 50;
    private const int CommandsPerBatch = 50;

    public static async Task RunAsync(int objects, int samples)
    {
        var options = new EmulatorOptions { Seed = 1 };
        // The budget is not what is measured here: without these a full pass would wait for the limits.
        options.RateLimit.Enabled = false;
        options.OperatingLimit.Enabled = false;
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(options));
        var world = emulator.World;
        var portal = world.CreatePortal("keyset.bitrix24.test");
        using var http = new HttpClient
        {
            BaseAddress = portal.ClientEndpoint,
            DefaultRequestHeaders = { Authorization = new("Bearer", world.AuthorizeApp(portal).AccessToken) },
        };

        Console.WriteLine($"keyset benchmark: {objects} deals and {objects} tasks on one portal, {CommandsPerBatch} pages of {PageSize} per batch");
        var kinds = new[]
        {
            new Kind("deals", "crm.deal", "crm.deal.list", "DATE_MODIFY"),
            new Kind("tasks", "task", "tasks.task.list", "CHANGED_DATE"),
        };
        foreach (var kind in kinds)
        {
            var watch = Stopwatch.StartNew();
            world.Seed(portal, kind.Entity, objects);
            Console.WriteLine($"  {kind.Name} seeded       : {watch.Elapsed.TotalSeconds,9:0.000} s");
        }

        foreach (var kind in kinds)
        {
            // A load reads every field; a drift check only the ID and the last change.
            foreach (var select in new[] { null, new[] { "ID", kind.Modified } })
            {
                var what = select is null ? "every field" : string.Join(", ", select);

                // One warm-up batch, so the figures leave out the first call's JIT.
                await BatchAsync(http, kind.Method, 0, select);
                var random = new Random(7);
                var batches = new List<Timing>();
                for (var i = 0; i < samples; i++)
                {
                    batches.Add(await BatchAsync(http, kind.Method, random.NextInt64(0, Math.Max(1, objects - (PageSize * CommandsPerBatch))), select));
                }

                Console.WriteLine($"  {kind.Name} range batch  : server median {Median(batches, t => t.ServerMs),9:0.000} ms, max {batches.Max(t => t.ServerMs),9:0.000} ms; round trip median {Median(batches, t => t.RoundTripMs),9:0.000} ms ({samples} batches of {CommandsPerBatch * PageSize} rows, {what})");

                var pass = Stopwatch.StartNew();
                var serverMs = 0.0;
                var rows = 0;
                for (long after = 0; after < objects; after += PageSize * CommandsPerBatch)
                {
                    var timing = await BatchAsync(http, kind.Method, after, select);
                    serverMs += timing.ServerMs;
                    rows += timing.Rows;
                }

                Console.WriteLine($"  {kind.Name} whole pass   : {rows} rows, server {serverMs / 1000,8:0.000} s, wall {pass.Elapsed.TotalSeconds,8:0.000} s ({what})");
            }

            var probes = new List<Timing>();
            for (var i = 0; i < samples; i++)
            {
                probes.Add(await ProbeAsync(http, kind.Method));
            }

            Console.WriteLine($"  {kind.Name} newest ID    : server median {Median(probes, t => t.ServerMs),9:0.000} ms, max {probes.Max(t => t.ServerMs),9:0.000} ms (order ID DESC, start=-1, select ID)");
        }
    }

    private static async Task<Timing> BatchAsync(HttpClient http, string method, long after, string[]? select)
    {
        var cmd = new JsonObject();
        for (var i = 0; i < CommandsPerBatch; i++)
        {
            var low = after + ((long)i * PageSize);
            // Built as http_build_query would: a bare "<=" in a key would end the key at its "=".
            var query = new JsonObject
            {
                ["order"] = new JsonObject { ["ID"] = "ASC" },
                ["filter"] = new JsonObject { [">ID"] = low, ["<=ID"] = low + PageSize },
                ["start"] = -1,
            };
            if (select is not null)
            {
                query["select"] = new JsonArray([.. select.Select(f => (JsonNode)f)]);
            }

            cmd[$"p{i}"] = $"{method}?{PhpQuery.Build(query)}";
        }

        var (answer, roundTrip) = await CallAsync(http, "batch", new JsonObject { ["halt"] = 0, ["cmd"] = cmd });
        var results = answer["result"]!["result"]!;
        var rows = results is JsonObject pages ? pages.Sum(p => Items(p.Value).Count) : 0;
        return new Timing(answer["time"]!["processing"]!.GetValue<double>() * 1000, roundTrip, rows);
    }

    private static async Task<Timing> ProbeAsync(HttpClient http, string method)
    {
        var (answer, roundTrip) = await CallAsync(http, method, new JsonObject
        {
            ["order"] = new JsonObject { ["ID"] = "DESC" },
            ["select"] = new JsonArray("ID"),
            ["start"] = -1,
        });
        return new Timing(answer["time"]!["processing"]!.GetValue<double>() * 1000, roundTrip, Items(answer["result"]).Count);
    }

    private static async Task<(JsonNode Answer, double RoundTripMs)> CallAsync(HttpClient http, string method, JsonObject body)
    {
        var started = Stopwatch.GetTimestamp();
        using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(method, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        var roundTrip = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        return (JsonNode.Parse(text)!, roundTrip);
    }

    /// <summary>A CRM page is a list; a task page is <c>{"tasks":[…]}</c>.</summary>
    private static JsonArray Items(JsonNode? page) => page switch
    {
        JsonArray list => list,
        JsonObject { } wrapped when wrapped["tasks"] is JsonArray tasks => tasks,
        _ => [],
    };

    private static double Median(List<Timing> timings, Func<Timing, double> figure)
    {
        var sorted = timings.Select(figure).Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private sealed record Timing(double ServerMs, double RoundTripMs, int Rows);

    /// <summary>What is read: the seeded entity, its list method and the field that holds its last change.</summary>
    private sealed record Kind(string Name, string Entity, string Method, string Modified);
}
