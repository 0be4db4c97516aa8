using System.Net;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Hosting;

public sealed class ControlCloudEndpointTests
{
    private const string Portal = "test.bitrix24.com";

    [Fact]
    public async Task PortalCloudProfile_IsSwitchedOn_WithWhatTheBodyGives_AndTheRestKept()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var put = await emulator.ControlAsync(HttpMethod.Put, $"portals/{Portal}/cloud-profile", """{"enabled":true,"roundTripMs":300,"costPerMethodMs":{"CRM.DEAL.LIST":500}}""");
        var get = await emulator.ControlAsync(HttpMethod.Get, $"portals/{Portal}/cloud-profile");

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.True(get.Body!["enabled"]!.GetValue<bool>());
        Assert.Equal(300, get.Body!["round_trip_ms"]!.GetValue<double>());
        Assert.Equal(20, get.Body!["get_ms"]!.GetValue<double>());
        Assert.Equal(500, get.Body!["cost_per_method_ms"]!["crm.deal.list"]!.GetValue<double>());
        Assert.True(emulator.Portal.Cloud.Enabled);
        Assert.Equal(TimeSpan.FromMilliseconds(500), emulator.Portal.Cloud.CostOf("crm.deal.list", []));
    }

    [Fact]
    public async Task WorldCloudProfile_ReachesEveryPortal()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var other = emulator.World.CreatePortal("other.bitrix24.com");

        var put = await emulator.ControlAsync(HttpMethod.Put, "cloud-profile", """{"enabled":true}""");

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(150, put.Body!["round_trip_ms"]!.GetValue<double>());
        Assert.True(emulator.Portal.Cloud.Enabled);
        Assert.True(other.Cloud.Enabled);
    }

    [Theory]
    [InlineData("""{"roundTripMs":-1}""")]
    [InlineData("""{"listAllFieldsMs":700000}""")]
    [InlineData("""{"costPerMethodMs":{" ":10}}""")]
    [InlineData("""{"enabled":"yes"}""")]
    public async Task WrongSettings_Are400_AndChangeNothing(string body)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var put = await emulator.ControlAsync(HttpMethod.Put, $"portals/{Portal}/cloud-profile", body);

        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.False(emulator.Portal.Cloud.Enabled);
        Assert.Equal(TimeSpan.FromMilliseconds(150), emulator.Portal.Cloud.Options.RoundTrip);
    }

    [Fact]
    public async Task Connections_ListTheHandshakesAccepted_AndPerPortal()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        (await emulator.Client.CallAsync("user.admin", cancellationToken: TestContext.Current.CancellationToken)).EnsureSuccess();

        var answer = await emulator.ControlAsync(HttpMethod.Get, "connections");
        var stats = await emulator.ControlAsync(HttpMethod.Get, $"portals/{Portal}/stats");

        Assert.True(answer.Body!["accepted"]!.GetValue<long>() >= 2);
        Assert.Equal(1, answer.Body!["by_portal"]![Portal]!.GetValue<int>());
        Assert.Equal(1, stats.Body!["connections"]!.GetValue<int>());
    }
}
