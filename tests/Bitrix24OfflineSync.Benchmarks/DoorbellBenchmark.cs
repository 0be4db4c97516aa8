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
/// Doorbell throughput of the real service (SQLite registry, JSON logging at Information) side by side with a bare
/// minimal-API endpoint answering 200, in one run on one machine; the figure that matters is the ratio.
/// </summary>
internal static class DoorbellBenchmark
{
    private const int Workers = 32;

    public static async Task RunAsync(TimeSpan duration)
    {
        var options = new EmulatorOptions();
        options.RateLimit.Enabled = false;
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(options));
        await using var service = await BenchService.StartAsync(emulator.World);
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

            // Warm both up, then alternate so drift in the machine's state hits both alike.
            await LoadGenerator.RunAsync(http, () => Post(bareUrl), Workers, TimeSpan.FromSeconds(2));
            await LoadGenerator.RunAsync(http, () => Post(serviceUrl), Workers, TimeSpan.FromSeconds(2));
            var bareRuns = new List<LoadResult>();
            var doorbellRuns = new List<LoadResult>();
            for (var round = 0; round < 2; round++)
            {
                bareRuns.Add(await LoadGenerator.RunAsync(http, () => Post(bareUrl), Workers, duration / 2));
                doorbellRuns.Add(await LoadGenerator.RunAsync(http, () => Post(serviceUrl), Workers, duration / 2));
            }

            var bareRps = bareRuns.Average(r => r.RequestsPerSecond);
            var doorbellRps = doorbellRuns.Average(r => r.RequestsPerSecond);
            Console.WriteLine($"doorbell benchmark ({Environment.ProcessorCount} cores, {Workers} concurrent clients in-process, {duration.TotalSeconds:0}s each)");
            Console.WriteLine($"  bare 200 endpoint : {bareRps,10:0} req/s  p50 {bareRuns[^1].P50Ms:0.00} ms  p99 {bareRuns[^1].P99Ms:0.00} ms  failures {bareRuns.Sum(r => r.Failures)}");
            Console.WriteLine($"  doorbell          : {doorbellRps,10:0} req/s  p50 {doorbellRuns[^1].P50Ms:0.00} ms  p99 {doorbellRuns[^1].P99Ms:0.00} ms  failures {doorbellRuns.Sum(r => r.Failures)}");
            Console.WriteLine($"  ratio             : {doorbellRps / bareRps:0.00} (target >= 0.80)");
        }
        finally
        {
            await bare.StopAsync();
            await bare.DisposeAsync();
        }
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
