using System.Security.Cryptography;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>The real service, as Program.cs builds it, on a loopback port with a throwaway data folder, pointed at an emulator.</summary>
internal sealed class BenchService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _data;
    private readonly bool _ownsStaticLogger;

    private BenchService(WebApplication app, string data, bool ownsStaticLogger)
    {
        _app = app;
        _data = data;
        _ownsStaticLogger = ownsStaticLogger;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    public Uri BaseAddress { get; }

    public Uri EventsUrl => new(BaseAddress, "bitrix24/events");

    /// <summary>
    /// The install limits lifted (the <c>Installs</c> section): a benchmark installs its fleet as fast as it can, which
    /// a deployed service refuses from anyone; the installs are the setup, not what is measured. The deadline is the
    /// longest allowed, as some benchmarks run on a clock faster than the wall clock.
    /// </summary>
    public static IReadOnlyDictionary<string, string> UnlimitedInstalls { get; } = new Dictionary<string, string>
    {
        ["Installs:MaxConcurrent"] = "1000",
        ["Installs:Burst"] = "100000",
        ["Installs:PerSecond"] = "10000",
        ["Installs:PortalBurst"] = "1000",
        ["Installs:Timeout"] = "00:10:00",
    };

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts the service. With <paramref name="bindsEvents"/> it has a public URL (its own loopback address), so each
    /// install binds the doorbell and the offline events as deployed; without, nothing is bound and the benchmark binds
    /// what it needs. With <paramref name="productionLogging"/> it logs as the deployed process does: the levels of the
    /// appsettings.json it ships with (the per-request completion events among them) and the bootstrap logger
    /// Program.cs sets up. Without, it logs from Warning up, so its lines stay out of the figures.
    /// </summary>
    public static async Task<BenchService> StartAsync(
        BitrixWorld world, IDictionary<string, string?>? settings = null, TimeProvider? time = null, bool bindsEvents = false, bool productionLogging = false)
    {
        var data = Path.Combine(Path.GetTempPath(), "b24sync-bench", Guid.NewGuid().ToString("N"));
        var address = bindsEvents ? $"http://127.0.0.1:{FreePort()}" : "http://127.0.0.1:0";
        var config = new Dictionary<string, string?>
        {
            ["urls"] = address,
            ["Storage:DataDirectory"] = data,
            // Given, as an operator would: a generated one is announced with a warning among the figures.
            ["Storage:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Bitrix24:ClientId"] = world.DefaultApp.ClientId,
            ["Bitrix24:ClientSecret"] = world.DefaultApp.ClientSecret,
            ["Bitrix24:OAuthServer"] = world.OAuthServerAddress.ToString(),
            ["Bitrix24:AllowInsecureEndpoints"] = "true",
            // Measured as deployed: the metrics are exported, on a port of this run's own.
            ["Metrics:Urls"] = $"http://127.0.0.1:{FreePort()}",
        };
        foreach (var (key, value) in UnlimitedInstalls)
        {
            config[key] = value;
        }

        if (bindsEvents)
        {
            config["Bitrix24:PublicUrl"] = address;
        }

        if (!productionLogging)
        {
            config["Serilog:MinimumLevel:Default"] = "Warning";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        if (productionLogging)
        {
            // As Program.cs starts it; appsettings.json is read from the application's folder, the build output here.
            Log.Logger = SerilogSetup.CreateBootstrapLogger();
        }

        var app = SyncServiceApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }
        });
        await app.StartAsync();
        return new BenchService(app, data, productionLogging);
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public T Get<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsStaticLogger)
        {
            await Log.CloseAndFlushAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}
