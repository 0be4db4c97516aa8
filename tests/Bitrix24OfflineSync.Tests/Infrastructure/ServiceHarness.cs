using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Hosting;
using Bitrix24OfflineSync.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>
/// The real service, built by the same composition as Program.cs, on a loopback port with its own data folder, its
/// logs captured line by line, and its Bitrix24 settings pointed at an emulator.
/// </summary>
public sealed class ServiceHarness : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private ServiceHarness(WebApplication app, string dataDirectory, LogCapture logs)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Logs = logs;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public Uri BaseAddress { get; }

    public Uri EventsUrl => new(BaseAddress, "bitrix24/events");

    public HttpClient Http { get; }

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "sync.db");

    public LogCapture Logs { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ServiceHarness> StartAsync(
        BitrixWorld? world,
        IDictionary<string, string?>? settings = null,
        string? dataDirectory = null,
        TimeProvider? time = null,
        Action<IServiceCollection>? services = null)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "b24sync-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Serilog:MinimumLevel:Default"] = "Debug",
            ["Bitrix24:AllowInsecureEndpoints"] = "true",
        };
        if (world is not null)
        {
            config["Bitrix24:ClientId"] = world.DefaultApp.ClientId;
            config["Bitrix24:ClientSecret"] = world.DefaultApp.ClientSecret;
            config["Bitrix24:OAuthServer"] = world.OAuthServerAddress.ToString();
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var logs = new LogCapture();
        var app = SyncServiceApp.Build(
            [],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(config);
                if (time is not null)
                {
                    builder.Services.AddSingleton(time);
                }

                services?.Invoke(builder.Services);
            },
            logs);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ServiceHarness(app, dataDirectory, logs);
    }

    public T Get<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>
    /// Waits until the portal's initial load of every synced entity is done: after an install the service binds, then
    /// loads what the portal has, and only then is it idle.
    /// </summary>
    public Task WaitUntilLoadedAsync(string memberId)
    {
        var entities = Get<Bitrix24OfflineSync.Sync.Mapping.SyncedEntities>().All.Select(e => e.Entity).ToHashSet(StringComparer.Ordinal);
        var passes = Get<Bitrix24OfflineSync.Sync.Passes.IPassStore>();
        return Wait.UntilAsync(
            async () => (await passes.ForPortalAsync(memberId, TestContext.Current.CancellationToken))
                .Count(p => p.Kind == Bitrix24OfflineSync.Sync.Passes.PassKind.Load && p.IsDone && entities.Contains(p.Entity)) == entities.Count,
            $"portal {memberId} is loaded");
    }

    /// <summary>Stops the service and leaves its data folder for another instance to start on.</summary>
    public async Task StopKeepingDataAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        await StopKeepingDataAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS to clean with the temp folder.
        }
    }
}
