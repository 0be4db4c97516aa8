using System.Diagnostics;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sync.Passes;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// The initial load of a portal that held N objects before the install (a quarter each of deals, contacts, companies
/// and leads), at the default limits (burst 50, 2 requests/s), from the install until every object is in the mirror:
/// REST requests per object, objects per second, and how much the live managed heap grew while it ran (the emulator's
/// own objects are made before, so the growth is what the load holds at once).
/// </summary>
internal static class LoadBenchmark
{
    private static readonly string[] Entities = ["crm.deal", "crm.contact", "crm.company", "crm.lead"];

    public static async Task RunAsync(int objects)
    {
        Console.WriteLine($"load benchmark: {objects} objects on one portal before the install, limits on (burst 50, 2 req/s)");
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions()));
        var world = emulator.World;
        await using var service = await BenchService.StartAsync(world, new Dictionary<string, string?> { ["Sync:PollInterval"] = "01:00:00" });
        var portal = world.CreatePortal("load.bitrix24.test");
        foreach (var entity in Entities)
        {
            world.Seed(portal, entity, objects / Entities.Length, seed: 1);
        }

        GC.Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var peakHeap = heapBefore;
        var requestsBefore = portal.Stats.Requests;
        var watch = Stopwatch.StartNew();
        await world.InstallAppAsync(portal, service.EventsUrl);
        var passes = service.Get<IPassStore>();
        while ((await passes.ForPortalAsync(portal.MemberId, CancellationToken.None)).Count(p => p.Kind == PassKind.Load && p.IsDone && Entities.Contains(p.Entity)) < Entities.Length)
        {
            // Live objects only: what the load holds, not the garbage it has made since the last collection.
            peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: true));
            await Task.Delay(1000);
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var loaded = (await service.Get<IMirrorStore>().ListAsync(portal.MemberId, CancellationToken.None)).Count;
        var requests = portal.Stats.Requests - requestsBefore;
        Console.WriteLine(
            $"  {loaded} objects loaded with {requests} requests (from the install on: the install's own calls too): {(double)requests / loaded:0.00000} req/object, " +
            $"{loaded / seconds:0} objects/s ({seconds:0.0} s); live managed heap grew by at most {(peakHeap - heapBefore) / 1024.0 / 1024.0:0} MB; " +
            $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0:0} MB (the emulator's objects included)");
    }
}
