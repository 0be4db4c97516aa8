using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// Doorbell throughput of the real service (SQLite registry, logging as deployed: one JSON completion event per request
/// at Information, the rest at appsettings.json's levels) side by side with a bare minimal-API endpoint answering 200, on
/// one machine with the same clients, in alternating runs; the figure that matters is the ratio, and its median over
/// the runs. The service's log lines go to a null device through a writer like the console's (each line formatted,
/// written and flushed), so what they cost is measured but the terminal is not flooded.
/// </summary>
internal static class DoorbellBenchmark
{
    private const int Workers = 32;
    private const int Runs = 5;

    public static async Task RunAsync(TimeSpan duration)
    {
        var figures = Console.Out;
        using var logs = NullConsole();
        Console.SetOut(logs);
        try
        {
            await RunAllAsync(duration, figures);
        }
        finally
        {
            Console.SetOut(figures);
        }
    }

    private static async Task RunAllAsync(TimeSpan duration, TextWriter figures)
    {
        var options = new EmulatorOptions();
        options.RateLimit.Enabled = false;
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(options));
        await using var service = await BenchService.StartAsync(emulator.World, productionLogging: true);
        var bare = BuildBare();
        await bare.StartAsync();
        try
        {
            var serviceUrl = service.EventsUrl;
            var bareUrl = new Uri(Address(bare), "bare");
            var portal = emulator.World.CreatePortal("bench.bitrix24.com");
            var install = await emulator.World.InstallAppAsync(portal, serviceUrl);
            if (install.CallbackStatus != 200)
            {
                throw new InvalidOperationException($"Install failed with {install.CallbackStatus}.");
            }

            var body = $"event=ONOFFLINEEVENT&event_handler_id=1&ts=1766400000&auth[domain]={portal.Domain}" +
                $"&auth[member_id]={portal.MemberId}&auth[application_token]={install.ApplicationToken}";
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Workers });
            HttpRequestMessage Post(Uri url) => new(HttpMethod.Post, url) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") };

            figures.WriteLine($"doorbell benchmark ({Environment.ProcessorCount} cores, {Workers} concurrent clients in-process, {Runs} runs of {duration.TotalSeconds:0} s each per endpoint, alternating; the service logs at its production levels)");
            // Warmed up for as long as a run: the JIT's later tiers make both endpoints faster for a while, and a
            // ratio taken before they are done is a ratio of warm-ups.
            await LoadGenerator.RunAsync(http, () => Post(bareUrl), Workers, duration);
            await LoadGenerator.RunAsync(http, () => Post(serviceUrl), Workers, duration);
            var ratios = new List<double>();
            var failures = (Bare: 0, Doorbell: 0);
            for (var run = 1; run <= Runs; run++)
            {
                // Each run swaps which goes first, so a drift in the machine's state does not favour one side.
                LoadResult bareRun, doorbellRun;
                if (run % 2 == 1)
                {
                    bareRun = await LoadGenerator.RunAsync(http, () => Post(bareUrl), Workers, duration);
                    doorbellRun = await LoadGenerator.RunAsync(http, () => Post(serviceUrl), Workers, duration);
                }
                else
                {
                    doorbellRun = await LoadGenerator.RunAsync(http, () => Post(serviceUrl), Workers, duration);
                    bareRun = await LoadGenerator.RunAsync(http, () => Post(bareUrl), Workers, duration);
                }

                var ratio = doorbellRun.RequestsPerSecond / bareRun.RequestsPerSecond;
                ratios.Add(ratio);
                failures = (failures.Bare + bareRun.Failures, failures.Doorbell + doorbellRun.Failures);
                figures.WriteLine(
                    $"  run {run}: bare {bareRun.RequestsPerSecond,8:0} req/s (p50 {bareRun.P50Ms:0.00} ms, p99 {bareRun.P99Ms:0.00} ms)  " +
                    $"doorbell {doorbellRun.RequestsPerSecond,8:0} req/s (p50 {doorbellRun.P50Ms:0.00} ms, p99 {doorbellRun.P99Ms:0.00} ms)  ratio {ratio:0.00}");
            }

            var sorted = ratios.Order().ToList();
            figures.WriteLine($"  median ratio: {sorted[sorted.Count / 2]:0.00} (runs {sorted[0]:0.00} to {sorted[^1]:0.00}; target >= 0.90); failures: bare {failures.Bare}, doorbell {failures.Doorbell}");
        }
        finally
        {
            await bare.StopAsync();
            await bare.DisposeAsync();
        }
    }

    /// <summary>A writer like the console's (UTF-8, flushed on every write, one writer at a time) on the null device.</summary>
    private static TextWriter NullConsole()
    {
        var device = new FileStream(OperatingSystem.IsWindows() ? "NUL" : "/dev/null", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        return TextWriter.Synchronized(new StreamWriter(device, new System.Text.UTF8Encoding(false)) { AutoFlush = true });
    }

    private static WebApplication BuildBare()
    {
        // The same host kind as the service (CreateBuilder), so the ratio measures the doorbell handling itself.
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/bare", () => Results.Ok());
        return app;
    }

    private static Uri Address(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }
}
