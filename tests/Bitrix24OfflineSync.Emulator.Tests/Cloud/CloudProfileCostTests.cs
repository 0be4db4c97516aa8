using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Cloud;

namespace Bitrix24OfflineSync.Emulator.Tests.Cloud;

public sealed class CloudProfileCostTests
{
    private static readonly CloudProfile On = new(new CloudProfileOptions { Enabled = true });

    [Theory]
    [InlineData("crm.deal.get", """{"id":1}""", 20)]
    [InlineData("tasks.task.get", """{"taskId":1}""", 20)]
    [InlineData("crm.deal.list", """{"select":["ID","DATE_MODIFY"]}""", 40)]
    [InlineData("crm.deal.list", """{"select":{"0":"ID","1":"TITLE"}}""", 40)]
    [InlineData("crm.deal.list", """{}""", 150)]
    [InlineData("crm.deal.list", """{"select":["*","UF_*"]}""", 150)]
    [InlineData("crm.item.list", """{"entityTypeId":1030,"select":["id","ufCrm*"]}""", 150)]
    [InlineData("event.offline.get", """{"clear":0,"limit":500}""", 30)]
    [InlineData("event.offline.clear", """{"process_id":"x"}""", 30)]
    [InlineData("crm.deal.fields", """{}""", 30)]
    [InlineData("tasks.task.getfields", """{}""", 30)]
    [InlineData("crm.deal.update", """{"id":1}""", 30)]
    [InlineData("user.admin", """{}""", 10)]
    [InlineData("batch", """{"cmd":{}}""", 0)]
    public void Cost_FollowsWhatTheCommandAsksOfTheServer(string method, string parameters, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), On.CostOf(method, JsonNode.Parse(parameters)!.AsObject()));
    }

    [Fact]
    public void Off_CostsNothing_AndWaitsNoRoundTrip()
    {
        var off = new CloudProfile(new CloudProfileOptions());

        Assert.Equal(TimeSpan.Zero, off.CostOf("crm.deal.list", []));
        Assert.Equal(TimeSpan.Zero, off.RoundTrip(latencyFault: TimeSpan.Zero));
    }

    [Fact]
    public void ACostConfiguredForAMethod_WinsOverItsKind()
    {
        var profile = new CloudProfile(new CloudProfileOptions { Enabled = true, CostPerMethod = { ["crm.deal.list"] = TimeSpan.FromSeconds(2) } });

        Assert.Equal(TimeSpan.FromSeconds(2), profile.CostOf("crm.deal.list", []));
        Assert.Equal(TimeSpan.FromMilliseconds(150), profile.CostOf("crm.contact.list", []));
    }

    [Fact]
    public void TheLatencyFault_IsThePortalsRoundTrip_NeverAddedToTheProfiles()
    {
        var slow = TimeSpan.FromMilliseconds(900);

        Assert.Equal(TimeSpan.FromMilliseconds(150), On.RoundTrip(latencyFault: TimeSpan.Zero));
        Assert.Equal(slow, On.RoundTrip(slow));
        Assert.Equal(slow, new CloudProfile(new CloudProfileOptions()).RoundTrip(slow));
    }
}
