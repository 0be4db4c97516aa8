using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// Many portals with a backlog each, drained by one, two and three service instances on one PostgreSQL database and by
/// one instance on SQLite, each twice: with the emulator's cloud profile off (answers in microseconds) and on (a round
/// trip per request and the server's processing per command). Every instance is its own OS process (the service
/// binary, configured by environment variables as an operator would), so the peak memory reported is that instance's
/// alone; the emulator runs in this process. The clock runs from the instances' launch until every portal's queue is
/// empty; the backlog is made while no instance runs, so the pass each instance makes at start finds it all.
/// </summary>
internal static class ReplicaBenchmark
{
    private static readonly string[] Entities = ["deal", "contact", "company", "lead"];
    private static readonly string[] OfflineEvents = [.. Entities.SelectMany(e => new[] { "ADD", "UPDATE", "DELETE" }.Select(a => $"ONCRM{e.ToUpperInvariant()}{a}"))];
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(30);

    public static async Task RunAsync(int portals, int changes, int roundTripMs)
    {
        var postgres = Environment.GetEnvironmentVariable("B24SYNC_BENCH_POSTGRES");
        Console.WriteLine($"replica benchmark: {portals} portals with {changes} pending changes each, limits on (burst 50, 2 req/s per portal); cloud profile off, then on ({roundTripMs} ms round trip and the emulator's processing per command)");
        var runs = new List<(string Storage, int Instances)> { ("SQLite", 1) };
        if (string.IsNullOrEmpty(postgres))
        {
            Console.WriteLine("  PostgreSQL runs skipped: set B24SYNC_BENCH_POSTGRES to an Npgsql connection string of a server where the benchmark may create databases");
        }
        else
        {
            runs.AddRange([("PostgreSQL", 1), ("PostgreSQL", 2), ("PostgreSQL", 3)]);
        }

        var results = new Dictionary<(string Storage, int Instances), (Result Off, Result On)>();
        foreach (var (storage, instances) in runs)
        {
            var (off, on) = await RunBothAsync(storage == "PostgreSQL" ? postgres : null, instances, portals, changes, roundTripMs);
            results[(storage, instances)] = (off, on);
            Console.WriteLine($"  {storage} x{instances}:");
            Print("off", off, portals);
            Print($"on {roundTripMs} ms", on, portals);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    cloud profile on / off: {on.Seconds / off.Seconds:0.00}x the drain time, {(double)on.Requests / off.Requests:0.00}x the requests"));
        }

        // The replicas' targets: no more requests than one instance +10 %, and faster than one.
        foreach (var instances in Enumerable.Range(2, 2).Where(n => results.ContainsKey(("PostgreSQL", n))))
        {
            var one = results[("PostgreSQL", 1)];
            var many = results[("PostgreSQL", instances)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  PostgreSQL x{instances} / x1: profile off {(double)many.Off.Requests / one.Off.Requests:0.00}x the requests, {many.Off.Seconds / one.Off.Seconds:0.00}x the time; profile on {(double)many.On.Requests / one.On.Requests:0.00}x the requests, {many.On.Seconds / one.On.Seconds:0.00}x the time"));
        }
    }

    private static void Print(string profile, Result result, int portals)
    {
        var memory = string.Join(", ", result.PeakMemoryMb.Select(m => m.ToString("0", CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    profile {profile,-10} drained {result.Mirrored} objects in {result.Seconds,6:0.0} s ({result.Mirrored / result.Seconds:0} objects/s); {result.Requests} REST requests, {(double)result.Requests / portals:0.00} a portal, {result.Requests / result.Seconds:0} requests/s over the fleet; {result.Handshakes} handshakes ({(double)result.Handshakes / portals:0.000} a portal); peak memory per instance {memory} MB"));
        var cpu = string.Join(", ", result.CpuSeconds.Select(c => c.ToString("0.0", CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"               CPU: instances {cpu} s (from their launch, start-up included), the emulator's process {result.EmulatorCpuSeconds:0.0} s, PostgreSQL {result.PostgresCpuSeconds:0.0} s; {(result.CpuSeconds.Sum() + result.EmulatorCpuSeconds + result.PostgresCpuSeconds) / result.Seconds:0.00} cores on average; PostgreSQL transactions {result.Transactions}, {(double)result.Transactions / portals:0.0} a portal"));
        Console.WriteLine($"               requests: {string.Join(", ", result.ByMethod.OrderByDescending(m => m.Value).Select(m => $"{m.Key} {m.Value}"))}");
    }

    /// <summary>One storage and instance count: one fleet installed and loaded, then drained with the profile off and with it on.</summary>
    private static async Task<(Result Off, Result On)> RunBothAsync(string? postgres, int instanceCount, int portalCount, int changes, int roundTripMs)
    {
        await using var storage = await BenchStorage.CreateAsync(postgres);
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions()));
        var world = emulator.World;
        var settings = storage.Settings(world);

        // Install every portal through one instance (the install is verified against the emulator's OAuth server);
        // it stops once it has loaded them all, so the instances measured find nothing but the backlog.
        List<EmulatedPortal> portals;
        var setupWatch = Stopwatch.StartNew();
        await using (var setup = await ServiceInstance.StartAsync(settings, storage.Data))
        {
            portals = await BenchFleet.InstallAsync(world, setup.EventsUrl, portalCount);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  setup: {portalCount} portals installed by one instance in {setupWatch.Elapsed.TotalSeconds:0.0} s"));
            await BenchFleet.WaitUntilLoadedAsync(setup, storage, portalCount);
        }

        await Parallel.ForEachAsync(portals, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (portal, ct) =>
        {
            using var app = BenchPortal.AppClient(world, portal);
            await BenchPortal.BindOfflineAsync(app, OfflineEvents, ct);
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  setup: loaded and bound by {setupWatch.Elapsed.TotalSeconds:0.0} s"));

        var off = await DrainAsync(world, storage, settings, portals, instanceCount, changes, mirroredBefore: 0);
        world.ConfigureCloudProfile(new CloudProfileOptions { Enabled = true, RoundTrip = TimeSpan.FromMilliseconds(roundTripMs) });
        var on = await DrainAsync(world, storage, settings, portals, instanceCount, changes, mirroredBefore: off.Mirrored);
        world.ConfigureCloudProfile(new CloudProfileOptions());
        return (off, on);
    }

    /// <summary>Makes the backlog while no instance runs, then launches the instances and times them until every queue is empty.</summary>
    private static async Task<Result> DrainAsync(
        BitrixWorld world, BenchStorage storage, Dictionary<string, string> settings, List<EmulatedPortal> portals, int instanceCount, int changes, int mirroredBefore)
    {
        foreach (var portal in portals)
        {
            for (var i = 0; i < changes; i++)
            {
                var entity = Entities[i % Entities.Length];
                world.CallAsUser(portal, $"crm.{entity}.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"{entity} {i}" } });
            }
        }

        // The portals write the rows after each change's answer, all at once: count them once they are in.
        await world.WhenEventsWrittenAsync();
        var rows = portals.Sum(p => p.Queue.Count);
        var requestsBefore = portals.Sum(p => p.Stats.Requests);
        var handshakesBefore = world.ConnectionsAccepted;
        var mark = world.NextSequence();
        var transactionsBefore = await TransactionsAsync(storage);
        var emulatorCpuBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var postgresCpuBefore = PostgresCpuSeconds();
        var watch = Stopwatch.StartNew();
        var instances = await Task.WhenAll(Enumerable.Range(0, instanceCount).Select(_ => ServiceInstance.StartAsync(settings, storage.Data)));
        Result result;
        try
        {
            using var deadline = new CancellationTokenSource(Limit);
            var reported = false;
            var (left, progressAt) = (portals.Count, watch.Elapsed);
            while (portals.Count(p => p.Queue.Count > 0) is var now and > 0)
            {
                if (now < left)
                {
                    (left, progressAt) = (now, watch.Elapsed);
                }

                if (instances.FirstOrDefault(i => i.HasExited) is { } dead)
                {
                    throw new InvalidOperationException($"An instance exited during the drain:\n{dead.Output}");
                }

                await Task.Delay(50, deadline.Token);
                if (watch.Elapsed - progressAt > TimeSpan.FromMinutes(1) && !reported)
                {
                    reported = true;
                    await ReportStallAsync(storage, portals, instances);
                }
            }

            var seconds = watch.Elapsed.TotalSeconds;
            var peaks = instances.Select(i => i.PeakMemoryMb()).ToList();
            var cpu = instances.Select(i => i.CpuSeconds()).ToList();
            var emulatorCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - emulatorCpuBefore;
            var postgresCpu = PostgresCpuSeconds() - postgresCpuBefore;
            var mirrored = (int)await storage.ScalarAsync("SELECT count(*) FROM mirror WHERE NOT deleted") - mirroredBefore;
            if (mirrored != rows)
            {
                throw new InvalidOperationException($"{rows} changes were queued but {mirrored} objects are mirrored");
            }

            var byMethod = portals.SelectMany(p => p.Stats.CallLog).Where(c => c.Sequence > mark)
                .GroupBy(c => c.Method).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            result = new Result(mirrored, seconds, portals.Sum(p => p.Stats.Requests) - requestsBefore, world.ConnectionsAccepted - handshakesBefore, peaks, cpu, emulatorCpu, postgresCpu, byMethod);
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }

        // Counted once the instances have left: a server process reports its transactions when its session ends.
        return result with { Transactions = await TransactionsAsync(storage) - transactionsBefore };
    }

    /// <summary>The transactions committed in the benchmark's PostgreSQL database so far (0 on SQLite).</summary>
    private static async Task<long> TransactionsAsync(BenchStorage storage) =>
        storage.Database is null ? 0 : await storage.ScalarAsync("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");

    /// <summary>The CPU time every PostgreSQL server process on this machine has used so far (0 where there is none), from /proc.</summary>
    private static double PostgresCpuSeconds()
    {
        var seconds = 0.0;
        foreach (var directory in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                if (stat.Contains("(postgres)", StringComparison.Ordinal))
                {
                    seconds += ServiceInstance.CpuSeconds(stat);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process left while it was read, or is not ours to read.
            }
        }

        return seconds;
    }

    /// <summary>Says, once, where a drain that has emptied no queue for a minute stands: what one portal left holds, when it is next polled, what the instances logged of it.</summary>
    private static async Task ReportStallAsync(BenchStorage storage, List<EmulatedPortal> portals, ServiceInstance[] instances)
    {
        var left = portals.Where(p => p.Queue.Count > 0).ToList();
        var first = left[0];
        Console.WriteLine($"    no queue emptied for a minute; {left.Count} portals still hold rows; the first, {first.MemberId}: {string.Join("; ", first.Queue.Snapshot().Take(5).Select(r => $"{r.EventName} app {r.AppId} connector '{r.ConnectorId}' process '{r.ProcessId}' error {r.Error}"))}");
        var nextPoll = await storage.ScalarAsync(storage.Database is null
            ? $"SELECT CAST((julianday(next_poll_at) - julianday('now')) * 86400 AS INTEGER) FROM portals WHERE member_id = '{first.MemberId}'"
            : $"SELECT CAST(extract(epoch FROM next_poll_at - now()) AS bigint) FROM portals WHERE member_id = '{first.MemberId}'");
        Console.WriteLine($"    its next poll is {nextPoll} s from now");
        foreach (var (instance, n) in instances.Select((instance, n) => (instance, n)))
        {
            var lines = instance.Output.Split('\n').Where(l => l.Contains(first.MemberId, StringComparison.Ordinal)).ToList();
            Console.WriteLine($"    instance {n + 1} logged {lines.Count} lines about it (B24SYNC_BENCH_LOG_LEVEL=Debug for more):\n      {string.Join("\n      ", lines)}");
        }
    }

    private sealed record Result(int Mirrored, double Seconds, long Requests, long Handshakes, IReadOnlyList<double> PeakMemoryMb, IReadOnlyList<double> CpuSeconds, double EmulatorCpuSeconds, double PostgresCpuSeconds, IReadOnlyDictionary<string, int> ByMethod)
    {
        /// <summary>PostgreSQL transactions committed while the instances drained (0 on SQLite).</summary>
        public long Transactions { get; init; }
    }
}
