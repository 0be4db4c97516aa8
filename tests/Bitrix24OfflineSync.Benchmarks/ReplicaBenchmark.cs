using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Portals;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// Many portals with a backlog each, drained by one, two and three service instances on one PostgreSQL database and by
/// one instance on SQLite. Every instance is its own OS process (the service binary, configured by environment
/// variables as an operator would), so the peak memory reported is that instance's alone; the emulator runs in this
/// process. The clock runs from the instances' launch until every portal's queue is empty; the backlog is made while
/// no instance runs, so the pass each instance makes at start finds it all.
/// </summary>
internal static class ReplicaBenchmark
{
    private static readonly string[] Entities = ["deal", "contact", "company", "lead"];
    private static readonly string[] OfflineEvents = [.. Entities.SelectMany(e => new[] { "ADD", "UPDATE", "DELETE" }.Select(a => $"ONCRM{e.ToUpperInvariant()}{a}"))];
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(20);

    public static async Task RunAsync(int portals, int changes)
    {
        var postgres = Environment.GetEnvironmentVariable("B24SYNC_BENCH_POSTGRES");
        Console.WriteLine($"replica benchmark: {portals} portals with {changes} pending changes each, limits on (burst 50, 2 req/s per portal)");
        var runs = new List<(string Storage, int Instances)> { ("SQLite", 1) };
        if (string.IsNullOrEmpty(postgres))
        {
            Console.WriteLine("  PostgreSQL runs skipped: set B24SYNC_BENCH_POSTGRES to an Npgsql connection string of a server where the benchmark may create databases");
        }
        else
        {
            runs.AddRange([("PostgreSQL", 1), ("PostgreSQL", 2), ("PostgreSQL", 3)]);
        }

        foreach (var (storage, instances) in runs)
        {
            var result = await RunOnceAsync(storage == "PostgreSQL" ? postgres : null, instances, portals, changes);
            var memory = string.Join(", ", result.PeakMemoryMb.Select(m => m.ToString("0", CultureInfo.InvariantCulture)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {storage,-10} x{instances}: drained {result.Mirrored} objects in {result.Seconds:0.0} s ({result.Mirrored / result.Seconds:0} objects/s), {result.Requests} REST requests, peak memory per instance {memory} MB"));
            Console.WriteLine($"               requests: {string.Join(", ", result.ByMethod.OrderByDescending(m => m.Value).Select(m => $"{m.Key} {m.Value}"))}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"               per portal: {(double)result.Requests / portals:0.00} REST requests, {(double)result.ByMethod.GetValueOrDefault("event.offline.get") / portals:0.00} event.offline.get commands (inside batches or alone)"));
        }
    }

    private static async Task<Result> RunOnceAsync(string? postgres, int instanceCount, int portalCount, int changes)
    {
        var data = Path.Combine(Path.GetTempPath(), "b24sync-bench", Guid.NewGuid().ToString("N"));
        var database = postgres is null ? null : await CreateDatabaseAsync(postgres);
        try
        {
            await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions()));
            var world = emulator.World;
            var settings = Settings(world, data, database);

            // Install every portal through one instance (the install is verified against the emulator's OAuth server);
            // it stops once it has loaded them all, so the instances measured find nothing but the backlog.
            List<EmulatedPortal> portals;
            TimeSpan installed, loaded;
            var setupWatch = Stopwatch.StartNew();
            await using (var setup = await Instance.StartAsync(settings, data))
            {
                portals = await InstallAsync(world, setup.EventsUrl, portalCount);
                installed = setupWatch.Elapsed;
                await WaitUntilLoadedAsync(setup, data, database, portalCount);
                loaded = setupWatch.Elapsed;
            }

            await Parallel.ForEachAsync(portals, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (portal, ct) =>
            {
                using var app = BenchPortal.AppClient(world, portal);
                await BenchPortal.BindOfflineAsync(app, OfflineEvents, ct);
            });
            var bound = setupWatch.Elapsed;
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
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  setup: {portalCount} portals installed by one instance in {installed.TotalSeconds:0.0} s, loaded by {loaded.TotalSeconds:0.0} s, bound by {bound.TotalSeconds:0.0} s, {rows} changes pending by {setupWatch.Elapsed.TotalSeconds:0.0} s"));

            var requestsBefore = portals.Sum(p => p.Stats.Requests);
            var mark = world.NextSequence();
            var watch = Stopwatch.StartNew();
            var instances = await Task.WhenAll(Enumerable.Range(0, instanceCount).Select(_ => Instance.StartAsync(settings, data)));
            try
            {
                using var deadline = new CancellationTokenSource(Limit);
                while (portals.Any(p => p.Queue.Count > 0))
                {
                    if (instances.FirstOrDefault(i => i.HasExited) is { } dead)
                    {
                        throw new InvalidOperationException($"An instance exited during the drain:\n{dead.Output}");
                    }

                    await Task.Delay(50, deadline.Token);
                }

                var seconds = watch.Elapsed.TotalSeconds;
                var peaks = instances.Select(i => i.PeakMemoryMb()).ToList();
                var mirrored = await CountMirrorAsync(data, database);
                if (mirrored != rows)
                {
                    throw new InvalidOperationException($"{rows} changes were queued but {mirrored} objects are mirrored");
                }

                var byMethod = portals.SelectMany(p => p.Stats.CallLog).Where(c => c.Sequence > mark)
                    .GroupBy(c => c.Method).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
                return new Result(mirrored, seconds, portals.Sum(p => p.Stats.Requests) - requestsBefore, peaks, byMethod);
            }
            finally
            {
                foreach (var instance in instances)
                {
                    await instance.DisposeAsync();
                }
            }
        }
        finally
        {
            if (database is not null)
            {
                await DropDatabaseAsync(postgres!, database);
            }

            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static Dictionary<string, string> Settings(BitrixWorld world, string data, string? database)
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = data,
            ["Storage__EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Bitrix24__ClientId"] = world.DefaultApp.ClientId,
            ["Bitrix24__ClientSecret"] = world.DefaultApp.ClientSecret,
            ["Bitrix24__OAuthServer"] = world.OAuthServerAddress.ToString(),
            ["Bitrix24__AllowInsecureEndpoints"] = "true",
            ["Sync__PollInterval"] = "01:00:00",
            ["Serilog__MinimumLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in BenchService.UnlimitedInstalls)
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        if (database is not null)
        {
            settings["Storage__Provider"] = "Postgres";
            settings["ConnectionStrings__Sync"] = database;
        }

        return settings;
    }

    private static async Task<List<EmulatedPortal>> InstallAsync(BitrixWorld world, Uri eventsUrl, int count)
    {
        var portals = Enumerable.Range(0, count).Select(i => world.CreatePortal($"p{i:D5}.bitrix24.test")).ToList();
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

    /// <summary>Waits until the instance has loaded every portal: each one's passes are started and none is unfinished.</summary>
    private static async Task WaitUntilLoadedAsync(Instance instance, string data, string? database, int portalCount)
    {
        const string Loaded = "SELECT count(DISTINCT member_id) FROM sync_passes WHERE member_id NOT IN (SELECT member_id FROM sync_passes WHERE finished_at IS NULL)";
        using var deadline = new CancellationTokenSource(Limit);
        while (await ScalarAsync(data, database, Loaded) < portalCount)
        {
            if (instance.HasExited)
            {
                throw new InvalidOperationException($"The setup instance exited during the loads:\n{instance.Output}");
            }

            await Task.Delay(200, deadline.Token);
        }
    }

    private static Task<int> CountMirrorAsync(string data, string? database) => ScalarAsync(data, database, "SELECT count(*) FROM mirror WHERE NOT deleted");

    private static async Task<int> ScalarAsync(string data, string? database, string sql)
    {
        if (database is null)
        {
            await using var sqlite = new SqliteConnection($"Data Source={Path.Combine(data, "sync.db")};Mode=ReadOnly;Pooling=False");
            await sqlite.OpenAsync();
            await using var query = sqlite.CreateCommand();
            query.CommandText = sql;
            return Convert.ToInt32(await query.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<string> CreateDatabaseAsync(string server)
    {
        var name = "b24sync_bench_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 20 }.ConnectionString;
    }

    private static async Task DropDatabaseAsync(string server, string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(database).Database} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed record Result(int Mirrored, double Seconds, long Requests, IReadOnlyList<double> PeakMemoryMb, IReadOnlyDictionary<string, int> ByMethod);

    /// <summary>One service instance: the service binary in its own process, on a loopback port.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();

        private Instance(Process process, Uri baseAddress)
        {
            _process = process;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public Uri EventsUrl => new(BaseAddress, "bitrix24/events");

        public bool HasExited => _process.HasExited;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static async Task<Instance> StartAsync(IReadOnlyDictionary<string, string> settings, string data)
        {
            var port = FreePort();
            var binary = Path.Combine(AppContext.BaseDirectory, "Bitrix24OfflineSync.dll");
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(binary);
            foreach (var (key, value) in settings)
            {
                start.Environment[key] = value;
            }

            start.Environment["urls"] = $"http://127.0.0.1:{port}";
            // Instances run side by side: none takes the management port.
            start.Environment["Metrics__Urls"] = "";
            Directory.CreateDirectory(data);
            var process = Process.Start(start) ?? throw new InvalidOperationException("The service did not start");
            var instance = new Instance(process, new Uri($"http://127.0.0.1:{port}/"));
            process.OutputDataReceived += (_, e) => instance.Append(e.Data);
            process.ErrorDataReceived += (_, e) => instance.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await instance.WaitReadyAsync();
            return instance;
        }

        /// <summary>The instance's peak resident set (VmHWM), read from /proc while it runs.</summary>
        public double PeakMemoryMb()
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var kilobytes = long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
            return kilobytes / 1024.0;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                // SIGTERM: the service stops its drains and leaves, as under an orchestrator.
                using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync();
                }

                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }

            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }

        private async Task WaitReadyAsync()
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < until)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"The service exited with {_process.ExitCode}:\n{Output}");
                }

                try
                {
                    using var answer = await http.GetAsync(new Uri(BaseAddress, "health/ready"));
                    if (answer.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(100);
            }

            throw new TimeoutException($"The service was not ready within a minute:\n{Output}");
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
