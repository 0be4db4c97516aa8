using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Registration;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Deployment;

/// <summary>
/// The deployment users run: TLS ends at nginx, which forwards plain HTTP to the service. The emulated Bitrix24 reaches
/// the service only through nginx over HTTPS, trusting exactly the test's certificate.
/// </summary>
public sealed class HttpsProxyTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task BehindNginxTerminatingTls_InstallBindsTheHttpsHandlerAndDoorbellsThroughTheProxyDrainChangesIntoTheMirror()
    {
        if (NginxTlsProxy.WhyUnavailable() is { } reason)
        {
            Skip.Because(reason);
        }

        using var proxy = await NginxTlsProxy.PrepareAsync();
        using var outbound = new SocketsHttpHandler { AllowAutoRedirect = false };
        outbound.SslOptions.RemoteCertificateValidationCallback = proxy.TrustsOnlyTheTestCertificate;
        var options = new EmulatorOptions { Seed = 11 };
        options.RateLimit.Enabled = false;
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(options, time: null, outboundHandler: outbound), cancellationToken: TestContext.Current.CancellationToken);
        var world = emulator.World;
        await using var service = await ServiceHarness.StartAsync(world, new Dictionary<string, string?>
        {
            ["Proxy:KnownProxies"] = "127.0.0.1",
            ["Bitrix24:PublicUrl"] = proxy.BaseAddress.ToString(),
            ["Bitrix24:DoorbellMinTimeout"] = "0",
            // Only doorbells may drain here: the safety-net poll stays out of the way.
            ["Sync:PollInterval"] = "1.00:00:00",
            ["Sync:RetryDelay"] = "00:00:00.200",
            ["Bitrix24:Resilience:BaseDelay"] = "00:00:00.010",
            ["Bitrix24:Resilience:MaxDelay"] = "00:00:00.050",
        });
        await proxy.StartAsync(service.BaseAddress);
        var handler = new Bitrix24Options { PublicUrl = proxy.BaseAddress }.HandlerUrl!;
        var portal = world.CreatePortal("shop.bitrix24.com");

        var install = await world.InstallAppAsync(portal, new Uri(handler), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(install.CallbackStatus == 200, $"install answered {install.CallbackStatus}\n{proxy.ErrorLog()}");
        await WaitUntilAsync(async () => (await BindingsAsync(world, portal)).Any(b => b["event"]?.ToString() == EventRegistrar.Doorbell && b["handler"]?.ToString() == handler), "the doorbell is bound at the proxy");
        // The deals below reach the mirror by their events, not by the initial load of what the portal held.
        await service.WaitUntilLoadedAsync(portal.MemberId);

        for (var i = 1; i <= 3; i++)
        {
            world.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"Deal {i}" } });
        }

        var mirror = service.Get<IMirrorStore>();
        await WaitUntilAsync(async () => (await mirror.ListAsync(portal.MemberId, TestContext.Current.CancellationToken)).Count(r => r.Entity == "crm.deal") == 3, "the three deals are in the mirror");

        var deals = (await mirror.ListAsync(portal.MemberId, TestContext.Current.CancellationToken)).Where(r => r.Entity == "crm.deal").ToList();
        Assert.Equal(["Deal 1", "Deal 2", "Deal 3"], deals.Select(d => JsonNode.Parse(d.State!)!["TITLE"]!.ToString()).Order());
        var doorbells = portal.Deliveries.Of(EventRegistrar.Doorbell);
        Assert.NotEmpty(doorbells);
        Assert.All(doorbells, d => Assert.Equal((handler, 200), (d.HandlerUrl, d.StatusCode)));
        Assert.Contains("\"POST /bitrix24/events HTTP/1.1\" 200", proxy.AccessLog, StringComparison.Ordinal);
    }

    private static async Task<List<JsonObject>> BindingsAsync(BitrixWorld world, EmulatedPortal portal)
    {
        using var client = new RestClient(new HttpClient(), portal.ClientEndpoint, world.OAuth.LastIssued(portal, world.DefaultApp)!.AccessToken);
        var answer = (await client.CallAsync("event.get", cancellationToken: TestContext.Current.CancellationToken)).EnsureSuccess();
        return [.. (answer.Result as JsonArray ?? []).OfType<JsonObject>()];
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => Wait.UntilAsync(condition, what, WaitLimit);
}
