using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Bitrix;

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
}
