using System.Diagnostics;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Emulator.Time;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// The REST client against the emulator's default limits (burst 50, 2 requests/s per portal): how close one portal
/// runs to its limit, and how many portals one process keeps at theirs. The emulator runs in the same process and
/// shares the cores, so the portal count is a lower bound for a service talking to the real cloud.
/// </summary>
internal static class ClientBudgetBenchmark
{
    public static async Task RunAsync(TimeSpan duration)
    {
        Console.WriteLine("REST client budget benchmark");
        await OnePortalAsync();
        foreach (var portals in new[] { 250, 500, 1000, 2000 })
        {
            var kept = await ManyPortalsAsync(portals, duration);
            if (!kept)
            {
                break;
            }
        }
    }

    /// <summary>5,000 calls on one portal on a clock running 50 times faster: the sustained rate as a share of the drain rate.</summary>
    private static async Task OnePortalAsync()
    {
        var clock = new ScaledTimeProvider(50);
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions(), clock));
        emulator.World.Methods.Add("bench.ping", null, _ => JsonValue.Create(1));
        await using var service = await BenchService.StartAsync(emulator.World, time: clock);
        var portal = await InstallAsync(emulator.World, service, "one.bitrix24.test");
        var client = service.Get<BitrixClient>();
        const int calls = 5_000;
        var next = 0;
        var started = clock.GetUtcNow();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= calls)
            {
                await client.CallAsync(portal.MemberId, "bench.ping", null, CancellationToken.None);
            }
        }));
        var seconds = (clock.GetUtcNow() - started).TotalSeconds;
        var rate = (calls - portal.Bucket.Options.BurstLimit) / seconds;
        Console.WriteLine($"  one portal: {calls} calls, sustained {rate:0.000} req/s = {rate / portal.Bucket.Options.DrainPerSecond:0.000} of the limit; " +
            $"503 answers: {portal.Stats.RejectedByLimit} of {portal.Stats.Requests} requests");
    }

    /// <summary>N portals, one caller each, in real time: the share of the N × 2 req/s the process sustains after the bursts are spent.</summary>
    private static async Task<bool> ManyPortalsAsync(int count, TimeSpan duration)
    {
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions()));
        emulator.World.Methods.Add("bench.ping", null, _ => JsonValue.Create(1));
        await using var service = await BenchService.StartAsync(emulator.World);
        var portals = new List<EmulatedPortal>();
        for (var i = 0; i < count; i++)
        {
            portals.Add(await InstallAsync(emulator.World, service, $"p{i}.bitrix24.test"));
        }

        var client = service.Get<BitrixClient>();
        using var stop = new CancellationTokenSource();
        var counted = 0L;
        var measuring = false;
        var loops = portals.Select(async portal =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await client.CallAsync(portal.MemberId, "bench.ping", null, stop.Token);
                    if (Volatile.Read(ref measuring))
                    {
                        Interlocked.Increment(ref counted);
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }
        }).ToList();

        // Spend the bursts first, then measure the steady state only.
        await Task.Delay(TimeSpan.FromSeconds(30));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        Volatile.Write(ref measuring, true);
        await Task.Delay(duration);
        Volatile.Write(ref measuring, false);
        var elapsed = watch.Elapsed.TotalSeconds;
        var cpuShare = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds / elapsed / Environment.ProcessorCount;
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        var ratio = Interlocked.Read(ref counted) / elapsed / (count * 2.0);
        var refused = portals.Sum(p => p.Stats.RejectedByLimit);
        Console.WriteLine($"  {count,5} portals: {ratio:0.000} of their combined limit ({count * 2} req/s), CPU {cpuShare:P0} of the machine, 503 answers {refused}");
        return ratio >= 0.95;
    }

    private static async Task<EmulatedPortal> InstallAsync(BitrixWorld world, BenchService service, string domain)
    {
        var portal = world.CreatePortal(domain);
        var outcome = await world.InstallAppAsync(portal, service.EventsUrl);
        return outcome.CallbackStatus == 200 ? portal : throw new InvalidOperationException($"Install of {domain} failed: {outcome.CallbackStatus}");
    }
}
