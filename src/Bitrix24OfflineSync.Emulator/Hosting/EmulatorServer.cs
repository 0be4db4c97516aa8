using Bitrix24OfflineSync.Emulator.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>
/// The emulator behind real HTTP on a loopback port: what tests and benchmarks start in-process, and what the
/// runnable app starts on a fixed port.
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorServer(WebApplication app, BitrixWorld world)
    {
        _app = app;
        World = world;
    }

    public BitrixWorld World { get; }

    public Uri BaseAddress => World.BaseAddress;

    /// <summary>Starts an emulator on <paramref name="url"/> (default: a free loopback port).</summary>
    public static async Task<EmulatorServer> StartAsync(BitrixWorld world, string url = "http://127.0.0.1:0", CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.WebHost.CountConnections(() => world);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapEmulator(world);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        world.BaseAddress = ListeningAddress(app);
        return new EmulatorServer(app, world);
    }

    public static Task<EmulatorServer> StartAsync(EmulatorOptions? options = null, TimeProvider? time = null, CancellationToken cancellationToken = default) =>
        StartAsync(new BitrixWorld(options, time), cancellationToken: cancellationToken);

    internal static Uri ListeningAddress(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }

    public async ValueTask DisposeAsync()
    {
        await World.DisposeAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
