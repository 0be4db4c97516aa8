using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Events;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Portals;
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
/// one machine with the same clients. Both are sent the doorbell the emulator rang at the service for a user's change
/// (its body and content type as Bitrix24 sends them, tokens and all). Each run takes the two endpoints in turns of a
/// second, so a change in the machine's speed during a run (this kind of machine has them) weighs on both alike; the
/// figure that matters is the ratio of their throughputs, and its median over the runs. The service's log lines go to
/// a null device through a writer like the console's (each line formatted, written and flushed), so what they cost is
/// measured but the terminal is not flooded.
/// </summary>
internal static class DoorbellBenchmark
{
    private const int Workers = 32;
    private const int Runs = 5;
    private static readonly TimeSpan Turn = TimeSpan.FromSeconds(1);

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
        var world = emulator.World;
        await using var service = await BenchService.StartAsync(world, productionLogging: true, bindsEvents: true);
        var bare = BuildBare();
        await bare.StartAsync();
        try
        {
            var serviceUrl = service.EventsUrl;
            var bareUrl = new Uri(Address(bare), "bare");
            var portal = world.CreatePortal("bench.bitrix24.com");
            var changes = UserChanges.Seed(world, portal, 1);
            await BenchPortal.InstallAsync(world, service, portal);
            await BenchPortal.WaitUntilLoadedAsync(service, portal);
            var doorbell = await RungDoorbellAsync(portal, changes);
            var body = Encoding.UTF8.GetBytes(doorbell.Body!);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Workers });
            HttpRequestMessage Post(Uri url)
            {
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
                return new(HttpMethod.Post, url) { Content = content };
            }

            figures.WriteLine($"doorbell benchmark ({Environment.ProcessorCount} cores, {Workers} concurrent clients in-process, {Runs} runs of {duration.TotalSeconds:0} s per endpoint in turns of {Turn.TotalSeconds:0} s; the service logs at its production levels)");
            figures.WriteLine($"  the doorbell sent: {body.Length} bytes, {doorbell.Body!.Count(c => c == '&') + 1} keys, as the emulator rang it after a user's change");
            // Warmed up for as long as a run: the JIT's later tiers make both endpoints faster for a while, and a
            // ratio taken before they are done is a ratio of warm-ups.
            await InTurnsAsync(http, () => Post(bareUrl), () => Post(serviceUrl), duration);
            var ratios = new List<double>();
            var failures = (Bare: 0, Doorbell: 0);
            for (var run = 1; run <= Runs; run++)
            {
                var (bareRun, doorbellRun) = await InTurnsAsync(http, () => Post(bareUrl), () => Post(serviceUrl), duration);
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

    /// <summary>Both endpoints for <paramref name="duration"/> each, in turns; which goes first swaps every turn.</summary>
    private static async Task<(LoadResult Bare, LoadResult Doorbell)> InTurnsAsync(
        HttpClient http, Func<HttpRequestMessage> bare, Func<HttpRequestMessage> doorbell, TimeSpan duration)
    {
        var bareTurns = new List<LoadResult>();
        var doorbellTurns = new List<LoadResult>();
        for (var turn = 0; turn < Math.Max(1, (int)(duration / Turn)); turn++)
        {
            if (turn % 2 == 0)
            {
                bareTurns.Add(await LoadGenerator.RunAsync(http, bare, Workers, Turn));
                doorbellTurns.Add(await LoadGenerator.RunAsync(http, doorbell, Workers, Turn));
            }
            else
            {
                doorbellTurns.Add(await LoadGenerator.RunAsync(http, doorbell, Workers, Turn));
                bareTurns.Add(await LoadGenerator.RunAsync(http, bare, Workers, Turn));
            }
        }

        return (LoadResult.Merge(bareTurns), LoadResult.Merge(doorbellTurns));
    }

    /// <summary>Makes a change as a portal user and waits for the doorbell it rings at the service, answered.</summary>
    private static async Task<DeliveryRecord> RungDoorbellAsync(EmulatedPortal portal, UserChanges changes)
    {
        changes.Make();
        var since = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(since) < TimeSpan.FromSeconds(30))
        {
            if (portal.Deliveries.Of("ONOFFLINEEVENT").FirstOrDefault(d => d.Succeeded && d.Body is not null) is { } rung)
            {
                return rung;
            }

            await Task.Delay(20);
        }

        throw new InvalidOperationException("No doorbell was answered within 30 s of a user's change.");
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
