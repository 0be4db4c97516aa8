using System.Diagnostics;
using System.Globalization;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Sinks.Database;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// A steady trickle on one portal, in real time with the emulator's limits on (burst 50, 2 requests/s): once the
/// initial load is over, one change every few hundred milliseconds, each ringing the doorbell the service bound at its
/// install (ONOFFLINEEVENT, <c>minTimeout</c> 1), the safety-net poll an hour away. Counted: the service's REST requests
/// from the first change until the mirror holds the last, per second and per change, and each change's lag from its
/// answer to the mirror holding its state, the mirror being looked at every 10 ms (one indexed read per change not
/// yet seen there), so a lag is up to that much long.
/// </summary>
internal static class TrickleBenchmark
{
    private static readonly TimeSpan Look = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan GiveUp = TimeSpan.FromMinutes(2);

    public static async Task RunAsync(TimeSpan duration, TimeSpan every)
    {
        var count = (int)(duration / every);
        Console.WriteLine($"trickle benchmark: {count} changes on one portal, one every {every.TotalMilliseconds:0} ms for {duration.TotalSeconds:0} s, limits on (burst 50, 2 req/s), doorbell minTimeout 1 s, poll every hour");
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions()));
        var world = emulator.World;
        await using var service = await BenchService.StartAsync(world, new Dictionary<string, string?> { ["Sync:PollInterval"] = "01:00:00" }, bindsEvents: true);
        var portal = world.CreatePortal("trickle.bitrix24.test");
        var changes = UserChanges.Seed(world, portal, count);
        await BenchPortal.InstallAsync(world, service, portal);
        await BenchPortal.WaitUntilLoadedAsync(service, portal);
        await BenchPortal.WaitUntilQuietAsync(portal, TimeSpan.FromSeconds(2));

        var mirror = service.Get<IMirrorStore>();
        var made = new List<UserChange>();
        var lags = new Dictionary<UserChange, TimeSpan>();
        var requestsBefore = portal.Stats.Requests;
        var refusedBefore = portal.Stats.RejectedByLimit;
        var watch = Stopwatch.StartNew();
        var requestsAtLastChange = 0;
        while (made.Count < count || lags.Count < made.Count)
        {
            if (made.Count < count && watch.Elapsed >= every * made.Count)
            {
                made.Add(changes.Make());
                if (made.Count == count)
                {
                    requestsAtLastChange = portal.Stats.Requests - requestsBefore;
                }
            }

            foreach (var change in made.Where(c => !lags.ContainsKey(c)).ToList())
            {
                if (await change.IsMirroredAsync(mirror, portal.MemberId))
                {
                    lags[change] = Stopwatch.GetElapsedTime(change.AnsweredAt);
                }
            }

            if (made.Count == count && watch.Elapsed > (every * count) + GiveUp)
            {
                break;
            }

            await Task.Delay(Look);
        }

        var window = watch.Elapsed;
        var requests = portal.Stats.Requests - requestsBefore;
        var refused = portal.Stats.RejectedByLimit - refusedBefore;
        await BenchPortal.WaitUntilQuietAsync(portal, TimeSpan.FromSeconds(2));
        var trailing = portal.Stats.Requests - requestsBefore - requests;

        var sorted = lags.Values.Select(l => l.TotalMilliseconds).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  changes made          : {made.Count} (deal and contact updates and adds, in turn), {sorted.Length} reached the mirror"));
        if (sorted.Length < made.Count)
        {
            Console.WriteLine($"  NOT MIRRORED          : {made.Count - sorted.Length} changes, {GiveUp.TotalMinutes:0} min after the last one was made");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  window                : {window.TotalSeconds:0.0} s (first change made to last change mirrored)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  REST requests         : {requests} by the service in the window ({requestsAtLastChange} of them by the time the last change was made; {refused} answered 503)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  requests per second   : {requests / window.TotalSeconds:0.000} (the portal allows 2)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  requests per change   : {(double)requests / made.Count:0.00}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  requests after        : {trailing} more once the last change was mirrored, until the service went quiet for 2 s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  lag p50               : {Percentile(sorted, 0.50):0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  lag p90               : {Percentile(sorted, 0.90):0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  lag p99               : {Percentile(sorted, 0.99):0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  lag max               : {(sorted.Length == 0 ? double.NaN : sorted[^1]):0} ms (change answered to mirror holding it; looked at every {Look.TotalMilliseconds:0} ms)"));
    }

    /// <summary>The nearest-rank percentile: the smallest value with at least <paramref name="p"/> of the values at or below it.</summary>
    internal static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
