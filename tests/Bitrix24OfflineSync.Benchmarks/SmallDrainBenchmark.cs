using System.Diagnostics;
using System.Globalization;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Sinks.Database;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// What a small drain costs: on one portal with the limits on, installed (the service binds its doorbell), loaded and
/// quiet, a handful of changes made at once ring the doorbell; the REST requests from just before the changes until
/// the mirror holds them all and the service has made no request for 2 s are listed from the emulator's call log,
/// each with its method and, for a batch, its commands.
/// </summary>
internal static class SmallDrainBenchmark
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan GiveUp = TimeSpan.FromMinutes(1);

    public static async Task RunAsync(int changes, int samples)
    {
        Console.WriteLine($"small drain benchmark: {changes} changes at once on one quiet portal, {samples} samples, limits on (burst 50, 2 req/s), doorbell minTimeout 1 s, poll every hour");
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions()));
        var world = emulator.World;
        await using var service = await BenchService.StartAsync(world, new Dictionary<string, string?> { ["Sync:PollInterval"] = "01:00:00" }, bindsEvents: true);
        var portal = world.CreatePortal("small.bitrix24.test");
        var maker = UserChanges.Seed(world, portal, changes * samples);
        await BenchPortal.InstallAsync(world, service, portal);
        await BenchPortal.WaitUntilLoadedAsync(service, portal);
        var mirror = service.Get<IMirrorStore>();
        var counts = new List<int>();
        for (var sample = 1; sample <= samples; sample++)
        {
            // The drain has settled (and the last doorbell's minTimeout is long over).
            await BenchPortal.WaitUntilQuietAsync(portal, Quiet);
            var mark = world.NextSequence();
            var requestsBefore = portal.Stats.Requests;
            var watch = Stopwatch.StartNew();
            var made = Enumerable.Range(0, changes).Select(_ => maker.Make()).ToList();
            await world.WhenDeliveriesIdleAsync();
            var pending = made.ToList();
            while (pending.Count > 0 && watch.Elapsed < GiveUp)
            {
                foreach (var change in pending.ToList())
                {
                    if (await change.IsMirroredAsync(mirror, portal.MemberId))
                    {
                        pending.Remove(change);
                    }
                }

                await Task.Delay(50);
            }

            var mirrored = watch.Elapsed;
            await BenchPortal.WaitUntilQuietAsync(portal, Quiet);
            var requests = portal.Stats.Requests - requestsBefore;
            var listed = LoggedRequest.Since(portal, mark, world.DefaultApp.ClientId);
            counts.Add(requests);
            var outcome = pending.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"all {changes} changes mirrored {mirrored.TotalSeconds:0.00} s after the first was made")
                : $"{pending.Count} of {changes} changes NOT mirrored after {GiveUp.TotalSeconds:0} s";
            Console.WriteLine($"  sample {sample}: {requests} requests; {outcome}");
            for (var i = 0; i < listed.Count; i++)
            {
                Console.WriteLine($"    {i + 1,2}. {listed[i].Describe()}");
            }

            if (listed.Count != requests)
            {
                Console.WriteLine($"        ({requests - listed.Count} refused before reaching a method, e.g. 503 QUERY_LIMIT_EXCEEDED)");
            }
        }

        var sorted = counts.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2.0;
        Console.WriteLine($"  median requests per drain: {median} (samples: {string.Join(", ", counts)})");
    }
}
