using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Bitrix.Http;
using Bitrix24OfflineSync.Telemetry;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Bitrix24OfflineSync.Tests.Bitrix;

// Polly reports through one process-wide meter, which every fixture's pipeline feeds: the test that counts its retries
// runs with no other test beside it.
[CollectionDefinition(nameof(PollyProcessWideMeter), DisableParallelization = true)]
public sealed class PollyProcessWideMeter;

[Collection(nameof(PollyProcessWideMeter))]
public sealed class ResilienceTests
{
    private static readonly Dictionary<string, string?> FastRetries = new()
    {
        ["Bitrix24:Resilience:BaseDelay"] = "00:00:00.010",
        ["Bitrix24:Resilience:MaxDelay"] = "00:00:00.050",
        ["Bitrix24:Resilience:BreakerFailureRatio"] = "0.9",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InjectedServerErrorsAndLatency_SafeCallsAreRetriedAndSucceed()
    {
        await using var fixture = await IntakeFixture.StartAsync(FastRetries);
        fixture.World.Methods.Add("test.ping", null, _ => JsonValue.Create("pong"));
        var (portal, _) = await fixture.InstallAsync();
        portal.Faults.ServerErrorRate = 0.3;
        portal.Faults.Latency = TimeSpan.FromMilliseconds(20);
        var client = fixture.Service.Get<BitrixClient>();

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal("pong", (await client.CallAsync(portal.MemberId, "test.ping", null, Ct)).Result!.GetValue<string>());
        }

        Assert.True(portal.Stats.Requests > 30, "no injected error was retried");
    }

    [Fact]
    public async Task ADroppedResponseToASafeCall_IsRetried()
    {
        await using var fixture = await IntakeFixture.StartAsync(FastRetries);
        fixture.World.Methods.Add("test.ping", null, _ => JsonValue.Create("pong"));
        var (portal, _) = await fixture.InstallAsync();
        portal.Faults.DropNextResponses("test.ping");

        var answer = await fixture.Service.Get<BitrixClient>().CallAsync(portal.MemberId, "test.ping", null, Ct);

        Assert.Equal("pong", answer.Result!.GetValue<string>());
        Assert.Equal(2, portal.Stats.CallsOf("test.ping"));
    }

    [Fact]
    public async Task ADroppedResponseToAFreshOfflineGet_IsNotRetried()
    {
        await using var fixture = await IntakeFixture.StartAsync(FastRetries);
        var (portal, _) = await fixture.InstallAsync();
        portal.Faults.DropNextResponses("event.offline.get");
        var before = portal.Stats.CallsOf("event.offline.get");

        var call = fixture.Service.Get<BitrixClient>().CallAsync(portal.MemberId, "event.offline.get", new JsonObject { ["clear"] = 0 }, Ct);

        await Assert.ThrowsAsync<BitrixUnavailableException>(() => call);
        Assert.Equal(before + 1, portal.Stats.CallsOf("event.offline.get"));
    }

    [Fact]
    public async Task ADroppedResponseToAnAdd_IsNotRetried()
    {
        await using var fixture = await IntakeFixture.StartAsync(FastRetries);
        var added = 0;
        fixture.World.Methods.Add("test.item.add", null, _ => JsonValue.Create(Interlocked.Increment(ref added)));
        var (portal, _) = await fixture.InstallAsync();
        portal.Faults.DropNextResponses("test.item.add");

        var call = fixture.Service.Get<BitrixClient>().CallAsync(portal.MemberId, "test.item.add", null, Ct);

        await Assert.ThrowsAsync<BitrixUnavailableException>(() => call);
        Assert.Equal(1, added);
    }

    [Fact]
    public async Task AnErrorAnswer_IsTypedAndNotFoundIsRecognisedDespiteItsEmptyCode()
    {
        await using var fixture = await IntakeFixture.StartAsync(FastRetries);
        fixture.World.Methods.Add("test.get", null, _ => throw Bitrix24OfflineSync.Emulator.Rest.RestException.NotFound());
        var (portal, _) = await fixture.InstallAsync();

        var error = await Assert.ThrowsAsync<BitrixApiException>(() => fixture.Service.Get<BitrixClient>().CallAsync(portal.MemberId, "test.get", null, Ct));

        Assert.True(error.Error.IsNotFound);
        Assert.Equal("", error.Error.Code);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.Error.Status);
        Assert.Equal(1, portal.Stats.CallsOf("test.get"));
    }

    [Fact]
    public async Task RepeatedServerErrors_OpenTheCircuitOfThatPortalOnly()
    {
        await using var fixture = await IntakeFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Bitrix24:Resilience:MaxRetries"] = "0",
            ["Bitrix24:Resilience:BreakerMinimumThroughput"] = "4",
            ["Bitrix24:Resilience:BreakerFailureRatio"] = "0.5",
            ["Bitrix24:Resilience:BreakDuration"] = "00:05:00",
        });
        fixture.World.Methods.Add("test.ping", null, _ => JsonValue.Create("pong"));
        var (failing, _) = await fixture.InstallAsync("failing.bitrix24.com");
        var (healthy, _) = await fixture.InstallAsync("healthy.bitrix24.com");
        failing.Faults.ServerErrorRate = 1.0;
        var client = fixture.Service.Get<BitrixClient>();

        var reasons = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            reasons.Add((await Assert.ThrowsAsync<BitrixUnavailableException>(() => client.CallAsync(failing.MemberId, "test.ping", null, Ct))).Reason);
        }

        var sentToFailing = failing.Stats.CallsOf("test.ping");
        await Assert.ThrowsAsync<BitrixUnavailableException>(() => client.CallAsync(failing.MemberId, "test.ping", null, Ct));

        Assert.Contains("circuit open after repeated failures", reasons);
        Assert.Equal(sentToFailing, failing.Stats.CallsOf("test.ping"));
        Assert.Equal("pong", (await client.CallAsync(healthy.MemberId, "test.ping", null, Ct)).Result!.GetValue<string>());
        Assert.All(fixture.Service.Logs.Of(1208), e => Assert.Equal(failing.MemberId, e["MemberId"]));
        Assert.NotEmpty(fixture.Service.Logs.Of(1208));

        // Only the portal that faulted has a circuit of its own; the healthy one shares the pipeline without a breaker.
        var circuits = fixture.Service.Get<PortalCircuits>();
        Assert.Equal(failing.MemberId, circuits.PipelineFor(failing.MemberId));
        Assert.Equal(PortalCircuits.Shared, circuits.PipelineFor(healthy.MemberId));
    }

    [Fact]
    public async Task AnUnsafeCallRefusedByTheLimits_IsWaitedOutAndSentAgain_RunningOnce_AndTheRefusalsAreCountedAndReported()
    {
        // The service's budget allows far more than this portal: the portal refuses, with nothing run.
        await using var fixture = await IntakeFixture.StartAsync(
            new Dictionary<string, string?>
            {
                ["Bitrix24:RequestBudget:BurstLimit"] = "50",
                ["Bitrix24:RequestBudget:DrainPerSecond"] = "100",
                ["Bitrix24:Resilience:MaxRetries"] = "20",
            },
            configure: o =>
            {
                o.RateLimit.Enabled = true;
                o.RateLimit.BurstLimit = 3;
                o.RateLimit.DrainPerSecond = 30;
            });
        var added = 0;
        fixture.World.Methods.Add("test.item.add", null, _ => JsonValue.Create(Interlocked.Increment(ref added)));
        var (portal, _) = await fixture.InstallAsync();
        using var requests = new MetricCollector<long>(fixture.Service.Get<IMeterFactory>(), ServiceTelemetry.Name, "b24sync_rest_requests");
        using var resilience = new MetricCollector<int>(null, "Polly", "resilience.polly.strategy.events");
        var client = fixture.Service.Get<BitrixClient>();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.CallAsync(portal.MemberId, "test.item.add", null, Ct)));

        Assert.Equal(20, added);
        var refused = requests.GetMeasurementSnapshot().Where(m => Equals(m.Tags["outcome"], "QUERY_LIMIT_EXCEEDED") && Equals(m.Tags["method"], "test.item.add")).Sum(m => m.Value);
        Assert.True(refused > 0, "the portal refused no call");
        Assert.NotEmpty(fixture.Service.Logs.Of(1203));
        // The resilience library reports each retry through its own telemetry. A refusal by the limits is no fault:
        // the portal's calls still go through the pipeline the portals that never faulted share.
        Assert.Equal(
            refused,
            resilience.GetMeasurementSnapshot().Count(m => Equals(m.Tags["event.name"], "OnRetry") && Equals(m.Tags.GetValueOrDefault("pipeline.instance"), PortalCircuits.Shared)));
    }
}
