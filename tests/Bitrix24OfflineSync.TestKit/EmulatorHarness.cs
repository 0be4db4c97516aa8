using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.OAuth;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.TestKit;

/// <summary>A fresh emulator on a loopback port per test, with one portal and the default app authorized on it.</summary>
public sealed class EmulatorHarness : IAsyncDisposable
{
    private EmulatorHarness(EmulatorServer server, EmulatedPortal portal, TokenPair tokens)
    {
        Server = server;
        Portal = portal;
        Tokens = tokens;
        Client = new RestClient(new HttpClient(), portal.ClientEndpoint, tokens.AccessToken);
    }

    public EmulatorServer Server { get; }

    public BitrixWorld World => Server.World;

    public EmulatedPortal Portal { get; }

    public TokenPair Tokens { get; }

    /// <summary>A client holding the app's access token for <see cref="Portal"/>.</summary>
    public RestClient Client { get; }

    public static async Task<EmulatorHarness> StartAsync(Action<EmulatorOptions>? configure = null, TimeProvider? time = null, bool rateLimit = false)
    {
        var options = new EmulatorOptions { Seed = 42 };
        options.RateLimit.Enabled = rateLimit;
        configure?.Invoke(options);
        var server = await EmulatorServer.StartAsync(new BitrixWorld(options, time), cancellationToken: TestContext.Current.CancellationToken);
        var portal = server.World.CreatePortal("test.bitrix24.com");
        var tokens = server.World.AuthorizeApp(portal);
        return new EmulatorHarness(server, portal, tokens);
    }

    /// <summary>A client for another app or token on this emulator.</summary>
    public static RestClient ClientFor(EmulatedPortal portal, string accessToken) => new(new HttpClient(), portal.ClientEndpoint, accessToken);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
