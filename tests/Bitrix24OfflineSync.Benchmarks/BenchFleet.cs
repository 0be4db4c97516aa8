using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>A fleet of portals installed through a service instance, as their admins would, and loaded.</summary>
internal static class BenchFleet
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(20);

    /// <summary>Creates <paramref name="count"/> portals named <c>{prefix}{i:D5}.bitrix24.test</c> and installs the app on each.</summary>
    public static async Task<List<EmulatedPortal>> InstallAsync(BitrixWorld world, Uri eventsUrl, int count, string prefix = "p")
    {
        var portals = Enumerable.Range(0, count).Select(i => world.CreatePortal($"{prefix}{i:D5}.bitrix24.test")).ToList();
        await Parallel.ForEachAsync(portals, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (portal, ct) =>
        {
            var outcome = await world.InstallAppAsync(portal, eventsUrl, cancellationToken: ct);
            if (outcome.CallbackStatus != 200)
            {
                throw new InvalidOperationException($"Install of {portal.Domain} answered {outcome.CallbackStatus}");
            }
        });
        return portals;
    }

    /// <summary>Waits until the instance has loaded <paramref name="portalCount"/> portals: each one's passes are started and none is unfinished.</summary>
    public static async Task WaitUntilLoadedAsync(ServiceInstance instance, BenchStorage storage, int portalCount)
    {
        const string Loaded = "SELECT count(DISTINCT member_id) FROM sync_passes WHERE member_id NOT IN (SELECT member_id FROM sync_passes WHERE finished_at IS NULL)";
        using var deadline = new CancellationTokenSource(Limit);
        while (await storage.ScalarAsync(Loaded) < portalCount)
        {
            if (instance.HasExited)
            {
                throw new InvalidOperationException($"The setup instance exited during the loads:\n{instance.Output}");
            }

            await Task.Delay(200, deadline.Token);
        }
    }
}
