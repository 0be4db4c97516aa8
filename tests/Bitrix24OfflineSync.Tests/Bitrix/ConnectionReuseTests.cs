using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Bitrix;

/// <summary>The REST client keeps its connections to a portal open and reuses them: the handshakes stay few.</summary>
public sealed class ConnectionReuseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ManyCallsToOnePortal_ReuseTheConnection()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        fixture.World.Methods.Add("test.ping", null, _ => JsonValue.Create("pong"));
        var (portal, _) = await fixture.InstallAsync();
        var client = fixture.Service.Get<BitrixClient>();
        var requestsBefore = portal.Stats.Requests;

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("pong", (await client.CallAsync(portal.MemberId, "test.ping", null, Ct)).Result!.GetValue<string>());
        }

        Assert.Equal(100, portal.Stats.Requests - requestsBefore);
        Assert.True(portal.Stats.Connections <= 2, $"{portal.Stats.Connections} connections for {portal.Stats.Requests} requests");
    }

    [Fact]
    public async Task ConcurrentCalls_ShareAtMostMaxConnectionsPerHost()
    {
        await using var fixture = await IntakeFixture.StartAsync(new Dictionary<string, string?> { ["Bitrix24:MaxConnectionsPerHost"] = "2" });
        fixture.World.Methods.Add("test.ping", null, _ => JsonValue.Create("pong"));
        var (portal, _) = await fixture.InstallAsync();
        portal.Faults.Latency = TimeSpan.FromMilliseconds(100);
        var client = fixture.Service.Get<BitrixClient>();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.CallAsync(portal.MemberId, "test.ping", null, Ct)));

        Assert.All(answers, a => Assert.Equal("pong", a.Result!.GetValue<string>()));
        Assert.True(portal.Stats.Connections <= 2, $"{portal.Stats.Connections} connections");
        Assert.True(portal.Stats.MaxConcurrentRequests <= 2, $"{portal.Stats.MaxConcurrentRequests} requests at once");
    }
}
