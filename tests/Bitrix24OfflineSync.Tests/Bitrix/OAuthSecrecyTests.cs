using System.Collections.Concurrent;
using System.Diagnostics;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Bitrix24OfflineSync.Tests.Bitrix;

/// <summary>
/// The token request carries <c>client_secret</c> and <c>refresh_token</c> in its query (Bitrix24's documented GET).
/// It must never be logged or traced with that query, whatever the runtime's redaction switch says: this test project
/// runs with <c>System.Net.Http.DisableUriRedaction</c> on, HttpClient logging at its most verbose, the service's
/// OpenTelemetry tracing with the HttpClient instrumentation, and a listener on every activity source.
/// </summary>
public sealed class OAuthSecrecyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheTokenRequest_AppearsInNoLogAndNoActivity_WithRedactionOff()
    {
        Assert.True(AppContext.TryGetSwitch("System.Net.Http.DisableUriRedaction", out var unredacted) && unredacted, "the run must have URI redaction off");
        var activities = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => activities.Enqueue(Describe(activity)),
        };
        ActivitySource.AddActivityListener(listener);
        var spans = new List<Activity>();
        var options = new EmulatorOptions { Seed = 7 };
        options.RateLimit.Enabled = false;
        await using var emulator = await EmulatorServer.StartAsync(new BitrixWorld(options), cancellationToken: Ct);
        var world = emulator.World;
        await using var service = await ServiceHarness.StartAsync(
            world,
            new Dictionary<string, string?>
            {
                ["Serilog:MinimumLevel:Override:System"] = "Verbose",
                ["Serilog:MinimumLevel:Override:Microsoft"] = "Verbose",
            },
            services: s => s.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(spans)));

        // An install (one refresh) and an expired access token (another), on the service with tracing on.
        var portal = world.CreatePortal("shop.bitrix24.com");
        var install = await world.InstallAppAsync(portal, service.EventsUrl, cancellationToken: Ct);
        Assert.Equal(200, install.CallbackStatus);
        var stored = world.OAuth.LastIssued(portal, world.DefaultApp)!;
        world.OAuth.ExpireAccessTokens(portal);
        await service.Get<BitrixClient>().CallAsync(portal.MemberId, "user.admin", null, Ct);
        Assert.Equal(2, world.OAuth.RefreshesGranted);

        var secrets = new[] { world.DefaultApp.ClientSecret, install.Tokens.RefreshToken, stored.RefreshToken };
        var lines = service.Logs.Lines;
        var traced = activities.ToList();
        // The exporter goes on adding the spans of the service's background work: read a copy of what it has.
        var exported = spans.ToArray().Select(Describe).ToList();
        // What was captured would show a URL: the REST calls' requests are logged and traced with theirs.
        Assert.Contains(lines, l => l.Contains("/rest/user.admin", StringComparison.Ordinal));
        Assert.Contains(traced, a => a.Contains("/rest/user.admin", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(traced, a => a.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(exported, a => a.Contains(secret, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(lines, l => l.Contains("oauth/token", StringComparison.Ordinal));
    }

    private static string Describe(Activity activity) =>
        string.Join(
            " | ",
            [
                activity.Source.Name,
                activity.DisplayName,
                activity.StatusDescription ?? "",
                .. activity.TagObjects.Select(t => $"{t.Key}={t.Value}"),
                .. activity.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")),
            ]);
}
