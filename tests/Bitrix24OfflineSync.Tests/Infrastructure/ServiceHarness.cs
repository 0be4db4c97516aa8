using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Hosting;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Security;
using Bitrix24OfflineSync.Sync.Passes;
using Bitrix24OfflineSync.Sync.Scheduling;
using Bitrix24OfflineSync.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>
/// The real service, started from its own Program by <see cref="WebApplicationFactory{TEntryPoint}"/> on Kestrel (the
/// emulator calls it over real HTTP) on a loopback port, with its own data folder, its logs collected by
/// <see cref="FakeLogCollector"/>, and its Bitrix24 settings pointed at an emulator.
/// </summary>
public sealed class ServiceHarness : IAsyncDisposable
{
    private readonly ServiceFactory _factory;
    private bool _stopped;

    private ServiceHarness(ServiceFactory factory, string dataDirectory)
    {
        _factory = factory;
        DataDirectory = dataDirectory;
        Logs = new LogCapture(factory.Services.GetFakeLogCollector());
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => factory.ManagementPort is not { } port || !a.EndsWith($":{port}", StringComparison.Ordinal));
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public Uri BaseAddress { get; }

    public Uri EventsUrl => new(BaseAddress, "bitrix24/events");

    public HttpClient Http { get; }

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "sync.db");

    public LogCapture Logs { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>The management address (<c>/metrics</c>), when the test asked for one with <c>Metrics:Urls</c>.</summary>
    public Uri? ManagementAddress => _factory.ManagementPort is { } port ? new Uri($"http://127.0.0.1:{port}/") : null;

    public static Task<ServiceHarness> StartAsync(
        BitrixWorld? world,
        IDictionary<string, string?>? settings = null,
        string? dataDirectory = null,
        TimeProvider? time = null,
        Action<IServiceCollection>? services = null)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "b24sync-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var factory = new ServiceFactory(Settings(world, settings, dataDirectory), time, services);
        factory.UseKestrel();
        factory.StartServer();
        return Task.FromResult(new ServiceHarness(factory, dataDirectory));
    }

    /// <summary>
    /// Builds and starts the service as Program.cs does and returns why the start failed (a start that succeeds fails
    /// the test). Settings are checked before anything listens; the factory would only report the host it disposed.
    /// </summary>
    public static async Task<Exception> StartFailureAsync(IDictionary<string, string?> settings)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("b24sync-tests-").FullName;
        try
        {
            var config = Settings(null, settings, dataDirectory);
            // Some settings (Kestrel's) are read while the host is built, others when it starts: either stops it.
            return await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                var app = SyncServiceApp.Build([], builder => builder.Configuration.AddInMemoryCollection(config));
                await using (app)
                {
                    await app.StartAsync(TestContext.Current.CancellationToken);
                }
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static Dictionary<string, string?> Settings(BitrixWorld? world, IDictionary<string, string?>? settings, string dataDirectory)
    {
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Serilog:MinimumLevel:Default"] = "Debug",
            ["Bitrix24:AllowInsecureEndpoints"] = "true",
            // Tests run services side by side: none takes the management port unless it asks for one.
            ["Metrics:Urls"] = "",
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

        return config;
    }

    public T Get<T>()
        where T : notnull => _factory.Services.GetRequiredService<T>();

    /// <summary>
    /// Stores a portal as an install would have, without one: for endpoints, tokens and domains no install gives. The
    /// tests call the portal themselves, so the safety net is kept from polling it (<see cref="SaveUnpolledAsync"/>).
    /// </summary>
    internal Task RegisterPortalAsync(string memberId, Uri endpoint, string domain = "portal.example", string accessToken = "access-token", string refreshToken = "refresh-token") =>
        SaveUnpolledAsync(new PortalInstall(memberId, domain, endpoint, accessToken, refreshToken, DateTimeOffset.UtcNow.AddHours(1), Get<ApplicationTokenHasher>().Hash("app-token"), "crm", DateTimeOffset.UtcNow));

    /// <summary>
    /// Saves an install the test made, keeping the service's own safety net from polling the portal (its turns would
    /// call the portal, spend its tokens and open transactions the test counts): after the start-up pass, its next
    /// poll is set a day away at once.
    /// </summary>
    internal async Task SaveUnpolledAsync(PortalInstall install)
    {
        await Wait.UntilAsync(() => Get<SafetyNet>().StartUpPassDone, "the safety net's start-up pass is over");
        await Get<IPortalRegistry>().SaveInstallAsync(install, TestContext.Current.CancellationToken);
        await Get<IPollSchedule>().SetNextPollAsync(install.MemberId, DateTimeOffset.UtcNow.AddDays(1), TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Waits until the portal's initial load of every synced entity is done: after an install the service binds, then
    /// loads what the portal has, and only then is it idle.
    /// </summary>
    public Task WaitUntilLoadedAsync(string memberId)
    {
        var planner = Get<PassPlanner>();
        var passes = Get<IPassStore>();
        return Wait.UntilAsync(
            async () =>
            {
                // The portal's smart-process types are found by a pass of their own, so the list grows as the load goes.
                var entities = (await planner.NamesAsync(memberId, TestContext.Current.CancellationToken)).ToHashSet(StringComparer.Ordinal);
                var loaded = (await passes.ForPortalAsync(memberId, TestContext.Current.CancellationToken))
                    .Where(p => p.Kind == PassKind.Load && p.IsDone)
                    .Select(p => p.Entity);
                return entities.IsSubsetOf(loaded);
            },
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
        await _factory.DisposeAsync();
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

    /// <summary>The service's own Program with the test's settings, clock and services; its logs also go to a collector.</summary>
    private sealed class ServiceFactory(IReadOnlyDictionary<string, string?> settings, TimeProvider? time, Action<IServiceCollection>? services)
        : WebApplicationFactory<Program>
    {
        public int? ManagementPort =>
            settings.GetValueOrDefault("Metrics:Urls") is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port : null;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices(collection =>
            {
                collection.AddFakeLogging();
                if (time is not null)
                {
                    collection.AddSingleton(time);
                }

                services?.Invoke(collection);
            });
        }
    }
}
