using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Tests.Hosting;

/// <summary>
/// The walk-through of the README as its reader sees it: the service in its own process in Development (as
/// <c>dotnet run</c> starts it), the emulator installing the app and a user changing deals, and the console between them.
/// </summary>
public sealed partial class DevelopmentConsoleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheDevelopmentConsole_ShowsTheEventIdsTheReadmeNames_AndNoLinePerDoorbell()
    {
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(new EmulatorOptions { Seed = 5 }), cancellationToken: Ct);
        var world = emulator.World;
        var portal = world.CreatePortal("demo.bitrix24.test");
        var port = FreePort();
        var data = Directory.CreateTempSubdirectory("b24sync-demo-").FullName;
        try
        {
            using var service = ChildProcess.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "Bitrix24OfflineSync.dll")], data, new Dictionary<string, string?>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["Metrics__Urls"] = "",
                ["Storage__DataDirectory"] = data,
                ["Bitrix24__ClientId"] = world.DefaultApp.ClientId,
                ["Bitrix24__ClientSecret"] = world.DefaultApp.ClientSecret,
                ["Bitrix24__OAuthServer"] = world.OAuthServerAddress.ToString(),
                ["Bitrix24__AllowInsecureEndpoints"] = "true",
                ["Bitrix24__PublicUrl"] = $"http://127.0.0.1:{port}",
                ["Bitrix24__DoorbellMinTimeout"] = "0",
            });
            await Wait.ForAsync(c => service.WaitForLineAsync("Now listening on", c), "the service listens");

            var install = await world.InstallAppAsync(portal, new Uri($"http://127.0.0.1:{port}/bitrix24/events"), cancellationToken: Ct);
            await Wait.ForAsync(c => service.WaitForLineAsync("] 1601 ", c), "the service bound the events (1601)");
            for (var i = 0; i < 3; i++)
            {
                world.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"Deal {i}" } });
            }

            await Wait.ForAsync(c => service.WaitForLineAsync("] 1301 ", c), "a drain was logged (1301)");
            await world.WhenDeliveriesIdleAsync(Ct);
            var doorbells = portal.Deliveries.Of("ONOFFLINEEVENT").Count(d => d.Succeeded);
            var lines = service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.Equal(200, install.CallbackStatus);
            Assert.True(doorbells > 0, "the portal rang the doorbell");
            foreach (var id in new[] { 1001, 1601, 1301 })
            {
                Assert.Contains(lines, l => ReadableLine().Match(l) is { Success: true } m && m.Groups["id"].Value == id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            // Accepted doorbells are Debug events (1005 and their completion event): below the console's level.
            Assert.DoesNotContain(lines, l => l.Contains("] 1005 ", StringComparison.Ordinal) || l.Contains("Doorbell from portal", StringComparison.Ordinal));
            Assert.Single(lines, l => l.Contains("HTTP POST /bitrix24/events responded", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.StartsWith('[') && l.Contains(" DBG]", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A line of the readable console: time, level, event id, category.</summary>
    [GeneratedRegex(@"^\[\d\d:\d\d:\d\d (INF|WRN|ERR)\] (?<id>\d+) Bitrix24OfflineSync\.")]
    private static partial Regex ReadableLine();
}
