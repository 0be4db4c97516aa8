using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Cloud;

public sealed class CloudProfileTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Batch_ReportsEachCommandsProcessing_InResultTime_OneAfterAnother_AndTheAnswerTakesTheirSum()
    {
        await using var emulator = await StartAsync();
        emulator.World.CallAsUser(emulator.Portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "Alpha" } });

        var answer = (await emulator.Client.CallAsync("batch", new JsonObject
        {
            ["halt"] = 0,
            ["cmd"] = new JsonObject { ["a"] = "crm.deal.get?id=1", ["b"] = "crm.deal.list?select[]=*" },
        }, Ct)).EnsureSuccess();

        var times = answer.Result!["result_time"]!;
        var a = times["a"]!;
        var b = times["b"]!;
        Assert.True(Seconds(a, "duration") >= 0.020, a.ToJsonString());
        Assert.True(Seconds(b, "duration") >= 0.150, b.ToJsonString());
        Assert.True(Seconds(b, "start") >= Seconds(a, "finish"), times.ToJsonString());
        Assert.True(Seconds(answer.Body!["time"]!, "processing") >= 0.170, answer.Body!["time"]!.ToJsonString());
    }

    [Fact]
    public async Task Processing_CountsTowardTheMethodsOperatingTime_WhenItIsDearerThanTheServersMinimum()
    {
        await using var emulator = await StartAsync();
        emulator.World.CallAsUser(emulator.Portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "Alpha" } });

        var dear = (await emulator.Client.CallAsync("crm.deal.list", new JsonObject(), Ct)).EnsureSuccess();
        var cheap = (await emulator.Client.CallAsync("crm.deal.get", new JsonObject { ["id"] = 1 }, Ct)).EnsureSuccess();

        Assert.True(Seconds(dear.Body!["time"]!, "operating") >= 0.150, dear.Body!["time"]!.ToJsonString());
        Assert.Equal(0, Seconds(cheap.Body!["time"]!, "operating"));
    }

    [Fact]
    public async Task RoundTrip_IsAnAsynchronousWait_SoManyRequestsWaitAtOnce()
    {
        const int Requests = 200;
        await using var emulator = await StartAsync(TimeSpan.FromSeconds(1));
        var counter = TestMethods.AddIncrement(emulator.World);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Requests });
        var client = new RestClient(http, emulator.Portal.ClientEndpoint, emulator.Tokens.AccessToken);

        var answers = await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => client.CallAsync(TestMethods.Increment, cancellationToken: Ct)));

        Assert.All(answers, a => a.EnsureSuccess());
        Assert.Equal(Requests, emulator.Portal.Stats.MaxConcurrentRequests);
        Assert.Equal(Requests, counter.Value);
    }

    [Fact]
    public async Task Connections_CountTheHandshakes_PerPortal_AndAReusedConnectionIsCountedOnce()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        var other = emulator.World.CreatePortal("other.bitrix24.com");
        var otherTokens = emulator.World.AuthorizeApp(other);

        for (var i = 0; i < 10; i++)
        {
            (await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: Ct)).EnsureSuccess();
        }

        using (var fresh = EmulatorHarness.ClientFor(emulator.Portal, emulator.Tokens.AccessToken))
        {
            (await fresh.CallAsync(TestMethods.Echo, cancellationToken: Ct)).EnsureSuccess();
        }

        using (var second = EmulatorHarness.ClientFor(other, otherTokens.AccessToken))
        {
            (await second.CallAsync(TestMethods.Echo, cancellationToken: Ct)).EnsureSuccess();
            (await second.CallAsync(TestMethods.Echo, cancellationToken: Ct)).EnsureSuccess();
        }

        Assert.Equal(2, emulator.Portal.Stats.Connections);
        Assert.Equal(1, other.Stats.Connections);
        Assert.True(emulator.World.ConnectionsAccepted >= 3, $"{emulator.World.ConnectionsAccepted} connections accepted");
    }

    [Fact]
    public async Task SwitchedForTheWorld_ReachesEveryPortal_AndThoseCreatedLater()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        emulator.World.ConfigureCloudProfile(new CloudProfileOptions { Enabled = true, RoundTrip = TimeSpan.FromMilliseconds(80) });
        var later = emulator.World.CreatePortal("later.bitrix24.com");

        Assert.True(emulator.Portal.Cloud.Enabled);
        Assert.True(later.Cloud.Enabled);
        Assert.Equal(TimeSpan.FromMilliseconds(80), later.Cloud.Options.RoundTrip);
        later.Cloud.Switch(enabled: false);
        Assert.False(later.Cloud.Enabled);
        Assert.True(emulator.Portal.Cloud.Enabled);
    }

    [Fact]
    public async Task Off_ByDefault()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        Assert.False(emulator.Portal.Cloud.Enabled);
        Assert.Equal(HttpStatusCode.OK, (await emulator.Client.CallAsync("user.admin", cancellationToken: Ct)).Status);
    }

    private static Task<EmulatorHarness> StartAsync(TimeSpan? roundTrip = null) =>
        EmulatorHarness.StartAsync(options =>
        {
            options.Cloud.Enabled = true;
            options.Cloud.RoundTrip = roundTrip ?? TimeSpan.FromMilliseconds(20);
        });

    private static double Seconds(JsonNode block, string field) => block[field]!.GetValue<double>();
}
