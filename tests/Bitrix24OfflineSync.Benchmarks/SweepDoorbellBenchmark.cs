using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// A doorbell rung during a safety-net sweep: K slow portals (the cloud profile on, and a round trip of their own far
/// longer than the rest's) are all due at once, as when an instance starts; once a quarter of them have been looked at,
/// a user changes a deal on one ordinary portal, whose doorbell rings the instance. The figure is the lag from that
/// change to its object in the sink, beside the sweep's own length. The instance is the service binary in its own
/// process, its doorbell URL bound at install as deployed (one port for the setup instance and the measured one).
/// </summary>
internal static class SweepDoorbellBenchmark
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(30);

    public static async Task RunAsync(int slowPortals, int slowMs, int roundTripMs)
    {
        Console.WriteLine($"doorbell during a sweep: {slowPortals} slow portals ({slowMs} ms round trip) due at once, one ordinary portal ({roundTripMs} ms round trip) rung mid-sweep, cloud profile on");
        await using var storage = await BenchStorage.CreateAsync(null);
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions()));
        var world = emulator.World;
        var port = ServiceInstance.FreePort();
        var settings = storage.Settings(world);
        settings["Bitrix24__PublicUrl"] = $"http://127.0.0.1:{port}";
        var minDrainInterval = Environment.GetEnvironmentVariable("Sync__MinDrainInterval") is { Length: > 0 } configured ? configured : "00:00:06 (the default)";

        var setupWatch = Stopwatch.StartNew();
        List<Emulator.Portals.EmulatedPortal> slow;
        Emulator.Portals.EmulatedPortal hot;
        await using (var setup = await ServiceInstance.StartAsync(settings, storage.Data, port))
        {
            slow = await BenchFleet.InstallAsync(world, setup.EventsUrl, slowPortals, prefix: "slow");
            hot = (await BenchFleet.InstallAsync(world, setup.EventsUrl, 1, prefix: "hot"))[0];
            await BenchFleet.WaitUntilLoadedAsync(setup, storage, slowPortals + 1);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  setup: {slowPortals + 1} portals installed (doorbells bound) and loaded in {setupWatch.Elapsed.TotalSeconds:0.0} s"));
        world.ConfigureCloudProfile(new CloudProfileOptions { Enabled = true, RoundTrip = TimeSpan.FromMilliseconds(roundTripMs) });
        foreach (var portal in slow)
        {
            portal.Faults.Latency = TimeSpan.FromMilliseconds(slowMs);
        }

        var looksBefore = slow.ToDictionary(p => p, p => p.Stats.CallsOf("event.offline.get"));
        int Looked() => slow.Count(p => p.Stats.CallsOf("event.offline.get") > looksBefore[p]);
        using var deadline = new CancellationTokenSource(Limit);
        var sweep = Stopwatch.StartNew();
        await using var instance = await ServiceInstance.StartAsync(settings, storage.Data, port);
        while (Looked() < Math.Max(1, slowPortals / 4))
        {
            Alive(instance);
            await Task.Delay(20, deadline.Token);
        }

        var lookedAtRing = Looked();
        var rungAt = sweep.Elapsed;
        var lag = Stopwatch.StartNew();
        world.CallAsUser(hot, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "rung mid-sweep" } });
        var inSink = $"SELECT count(*) FROM mirror WHERE member_id = '{hot.MemberId}' AND NOT deleted";
        while (await storage.ScalarAsync(inSink) < 1)
        {
            Alive(instance);
            await Task.Delay(10, deadline.Token);
        }

        var landed = lag.Elapsed;
        var lookedAtLanding = Looked();
        while (Looked() < slowPortals)
        {
            Alive(instance);
            await Task.Delay(50, deadline.Token);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  rung {rungAt.TotalSeconds:0.0} s into the sweep, {lookedAtRing} of {slowPortals} slow portals looked at; in the sink {landed.TotalSeconds:0.00} s after the change ({lookedAtLanding} looked at by then)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  the sweep took {sweep.Elapsed.TotalSeconds:0.0} s for {slowPortals} slow portals; target: the lag within Sync__MinDrainInterval {minDrainInterval} plus one turn"));
    }

    private static void Alive(ServiceInstance instance)
    {
        if (instance.HasExited)
        {
            throw new InvalidOperationException($"The instance exited:\n{instance.Output}");
        }
    }
}
