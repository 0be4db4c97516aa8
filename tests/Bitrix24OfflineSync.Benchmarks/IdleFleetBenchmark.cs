using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Hosting;
using Bitrix24OfflineSync.Portals;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// A large idle fleet on one instance: every portal installed, loaded and quiet, the safety net the only work. One
/// portal is installed as an admin would (through a setup instance, which binds and loads it); the rest are written
/// through the product's own registry (tokens encrypted as an install stores them) with the first one's sync state
/// and finished loads copied to them in SQL, so 100,000 portals take a minute, not 100,000 installs. The instance (the
/// service binary, its own process) then runs for a few PollIntervals: the figures are the REST requests a second
/// after its start-up sweep (from the later of one PollInterval and the sweep's end) (≈ fleet / PollInterval when the safety net is spread evenly), their spread from second to
/// second, its CPU and its peak memory.
/// </summary>
internal static class IdleFleetBenchmark
{
    private static readonly string[] CopiedTables = ["portal_sync", "sync_passes"];

    /// <param name="portalCount">The portals installed.</param>
    /// <param name="poll">The instance's <c>Sync__PollInterval</c>.</param>
    /// <param name="polls">The intervals measured after the start-up sweep.</param>
    /// <param name="memoryLimitMb">
    /// A container memory limit to run the instance under, or 0 for none: the .NET collector takes 75 % of a
    /// container's limit as its heap limit, which is what this sets (<c>DOTNET_GCHeapHardLimit</c>), with no container.
    /// </param>
    public static async Task RunAsync(int portalCount, TimeSpan poll, int polls, int memoryLimitMb)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"idle fleet: {portalCount} installed portals on one instance (SQLite), Sync__PollInterval {poll.TotalSeconds:0} s, measured over {polls} intervals after the first"));
        await using var storage = await BenchStorage.CreateAsync(null);
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions()));
        var world = emulator.World;
        var settings = storage.Settings(world);
        settings["Sync__PollInterval"] = poll.ToString("c", CultureInfo.InvariantCulture);
        if (memoryLimitMb > 0)
        {
            settings["DOTNET_GCHeapHardLimit"] = (memoryLimitMb * 1048576L * 3 / 4).ToString("x", CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  as in a container limited to {memoryLimitMb} MB: the instance's GC heap limit is {memoryLimitMb * 3 / 4} MB"));
        }

        var setupWatch = Stopwatch.StartNew();
        EmulatedPortal template;
        await using (var setup = await ServiceInstance.StartAsync(settings, storage.Data))
        {
            template = (await BenchFleet.InstallAsync(world, setup.EventsUrl, 1, prefix: "idle"))[0];
            await BenchFleet.WaitUntilLoadedAsync(setup, storage, 1);
        }

        var portals = new List<EmulatedPortal>(portalCount) { template };
        await SeedAsync(world, storage, settings, template, portals, portalCount);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  setup: {portalCount} portals installed and loaded in {setupWatch.Elapsed.TotalSeconds:0.0} s (the emulator's process holds {Environment.WorkingSet / 1048576.0:0} MB)"));

        var samples = new List<(double Seconds, long Requests, double Cpu)>();
        await using var instance = await ServiceInstance.StartAsync(settings, storage.Data);
        var watch = Stopwatch.StartNew();
        var requestsAtStart = portals.Sum(p => (long)p.Stats.Requests);
        double? sweptAt = null;
        // Measured from the later of one PollInterval and the end of the start-up sweep, for the intervals asked.
        double From() => Math.Max(poll.TotalSeconds, sweptAt ?? double.MaxValue);
        while (sweptAt is null || watch.Elapsed.TotalSeconds < From() + (polls * poll.TotalSeconds))
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(30))
            {
                throw new TimeoutException("The start-up sweep did not reach every portal within 30 minutes.");
            }

            if (instance.HasExited)
            {
                throw new InvalidOperationException($"The instance exited:\n{instance.Output}");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
            samples.Add((watch.Elapsed.TotalSeconds, portals.Sum(p => (long)p.Stats.Requests) - requestsAtStart, instance.CpuSeconds()));
            if (sweptAt is null && portals.All(p => p.Stats.Requests > 0))
            {
                sweptAt = watch.Elapsed.TotalSeconds;
            }
        }

        var peak = instance.PeakMemoryMb();
        var window = samples.Where(s => s.Seconds >= From()).ToList();
        var seconds = window[^1].Seconds - window[0].Seconds;
        var requests = window[^1].Requests - window[0].Requests;
        var rates = window.Zip(window.Skip(1), (a, b) => (b.Requests - a.Requests) / (b.Seconds - a.Seconds)).Order().ToList();
        // Per ten seconds too: a slice's portals are asked at once, so a second can hold two slices' bursts or none.
        var tens = new List<double>();
        for (var (i, j) = (0, 1); j < window.Count; j++)
        {
            if (window[j].Seconds - window[i].Seconds >= 10)
            {
                tens.Add((window[j].Requests - window[i].Requests) / (window[j].Seconds - window[i].Seconds));
                i = j;
            }
        }

        tens.Sort();
        var cpu = (window[^1].Cpu - window[0].Cpu) / seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  start-up sweep: every portal asked once by {sweptAt?.ToString("0.0", CultureInfo.InvariantCulture) ?? "(not within the run)"} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  after it, over {seconds:0} s: {requests} REST requests = {requests / seconds:0.0} requests/s (fleet / PollInterval = {portalCount / poll.TotalSeconds:0.0}); per second min {rates[0]:0}, median {rates[rates.Count / 2]:0}, p90 {rates[(int)(rates.Count * 0.9)]:0}, max {rates[^1]:0}; per 10 s min {tens[0]:0}, median {tens[tens.Count / 2]:0}, max {tens[^1]:0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  CPU {cpu * 100:0.0} % of one core; peak memory (VmHWM) {peak:0} MB, resident now {instance.MemoryMb():0} MB"));
    }

    /// <summary>Writes portals 1..N-1 through the registry, then gives each the template's sync state and finished loads.</summary>
    private static async Task SeedAsync(BitrixWorld world, BenchStorage storage, Dictionary<string, string> settings, EmulatedPortal template, List<EmulatedPortal> portals, int portalCount)
    {
        await using (var app = SyncServiceApp.Build([], builder => builder.Configuration.AddInMemoryCollection(
            settings.ToDictionary(s => s.Key.Replace("__", ":", StringComparison.Ordinal), s => (string?)s.Value))))
        {
            var registry = app.Services.GetRequiredService<IPortalRegistry>();
            var installedAt = DateTimeOffset.UtcNow;
            for (var i = 1; i < portalCount; i++)
            {
                var portal = world.CreatePortal($"idle{i:D6}.bitrix24.test");
                var tokens = world.AuthorizeApp(portal);
                await registry.SaveInstallAsync(
                    new PortalInstall(portal.MemberId, portal.Domain, portal.ClientEndpoint, tokens.AccessToken, tokens.RefreshToken, tokens.AccessExpiresAt,
                        RandomNumberGenerator.GetBytes(32), "crm,task", installedAt),
                    CancellationToken.None);
                portals.Add(portal);
            }
        }

        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(storage.Data, "sync.db")};Pooling=False");
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, transaction,
            "UPDATE portals SET installed_at = (SELECT installed_at FROM portals WHERE member_id = $t), scope = (SELECT scope FROM portals WHERE member_id = $t) WHERE member_id <> $t",
            template.MemberId);
        foreach (var table in CopiedTables)
        {
            var columns = new List<string>();
            await using (var info = connection.CreateCommand())
            {
                info.Transaction = transaction;
                info.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
                await using var reader = await info.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    columns.Add(reader.GetString(0));
                }
            }

            var select = string.Join(", ", columns.Select(c => c == "member_id" ? "p.member_id" : $"t.{c}"));
            await ExecuteAsync(connection, transaction,
                $"INSERT INTO {table} ({string.Join(", ", columns)}) SELECT {select} FROM portals p JOIN {table} t ON t.member_id = $t WHERE p.member_id <> $t",
                template.MemberId);
        }

        await transaction.CommitAsync();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, string template)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$t", template);
        await command.ExecuteNonQueryAsync();
    }
}
