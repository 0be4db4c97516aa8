using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>The real service, as Program.cs builds it, on a loopback port with a throwaway data folder, pointed at an emulator.</summary>
internal sealed class BenchService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _data;

    private BenchService(WebApplication app, string data)
    {
        _app = app;
        _data = data;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    public Uri BaseAddress { get; }

    public Uri EventsUrl => new(BaseAddress, "bitrix24/events");

    public IServiceProvider Services => _app.Services;

    public static async Task<BenchService> StartAsync(BitrixWorld world, IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var data = Path.Combine(Path.GetTempPath(), "b24sync-bench", Guid.NewGuid().ToString("N"));
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Storage:DataDirectory"] = data,
            ["Bitrix24:ClientId"] = world.DefaultApp.ClientId,
            ["Bitrix24:ClientSecret"] = world.DefaultApp.ClientSecret,
            ["Bitrix24:OAuthServer"] = world.OAuthServerAddress.ToString(),
            ["Bitrix24:AllowInsecureEndpoints"] = "true",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            // Measured as deployed: the metrics are exported, on a port of this run's own.
            ["Metrics:Urls"] = $"http://127.0.0.1:{FreePort()}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
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
        return new BenchService(app, data);
    }

    private static int FreePort()
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
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}
