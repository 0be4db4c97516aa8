using Bitrix24OfflineSync.Operations;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Registration;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Operations;

public sealed class OperatorCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("portals")]
    [InlineData("portals frobnicate")]
    [InlineData("portals unbind")]
    [InlineData("portals unbind --all")]
    [InlineData("portals rebind --everything")]
    [InlineData("portals list extra")]
    public async Task BadArguments_PrintTheUsageAndExitWith2(string commandLine)
    {
        var (code, output, error) = await RunAsync(commandLine.Split(' '));

        Assert.Equal(OperatorCommands.BadArguments, code);
        Assert.Empty(output);
        Assert.Contains("usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ShowsEachPortalWithStatusPlanDrainAndCounts()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = await fixture.InstallAndBindAsync();
        fixture.World.CallAsUser(portal, "crm.deal.add", new System.Text.Json.Nodes.JsonObject { ["fields"] = new System.Text.Json.Nodes.JsonObject { ["TITLE"] = "x" } });
        await fixture.WaitUntilDrainedAsync(portal);
        // The worker records the drain just after the queue and the journal are empty.
        var registry = fixture.Service.Get<IPortalRegistry>();
        await Wait.UntilAsync(
            async () => (await registry.OverviewAsync(Ct)).Any(p => p.MemberId == portal.MemberId && p.LastDrainAt is not null),
            "the drain of the portal is recorded");

        var (code, output, _) = await RunAsync(["portals", "list"], fixture);

        Assert.Equal(OperatorCommands.Done, code);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith(portal.MemberId, StringComparison.Ordinal));
        Assert.Contains("shop.bitrix24.com", line, StringComparison.Ordinal);
        Assert.Contains(" active ", line, StringComparison.Ordinal);
        Assert.Contains(" extended ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("never", line, StringComparison.Ordinal);
        Assert.Contains("1 portals", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RebindAndUnbind_OfAnUnknownPortal_ExitWith3()
    {
        await using var fixture = await SyncFixture.StartAsync();

        var rebind = await RunAsync(["portals", "rebind", "ffffffffffffffffffffffffffffffff"], fixture);
        var unbind = await RunAsync(["portals", "unbind", "ffffffffffffffffffffffffffffffff"], fixture);

        Assert.Equal(OperatorCommands.UnknownPortal, rebind.Code);
        Assert.Equal(OperatorCommands.UnknownPortal, unbind.Code);
        Assert.Contains("no portal", rebind.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebind_BindsWhatIsMissingAndUnbind_RemovesEveryBinding()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = await fixture.InstallAndBindAsync(events: ["ONCRMDEALUPDATE"]);
        string[] publicUrl = [$"--Bitrix24:PublicUrl={fixture.Service.BaseAddress}", "--Bitrix24:Events=ONCRMDEALUPDATE,ONCRMLEADADD"];

        var rebind = await RunAsync(["portals", "rebind", portal.MemberId, .. publicUrl], fixture);
        var registrar = fixture.Service.Get<EventRegistrar>();
        var afterRebind = await registrar.ListAsync(portal.MemberId, Ct);
        var unbind = await RunAsync(["portals", "unbind", portal.MemberId], fixture);

        Assert.Equal(OperatorCommands.Done, rebind.Code);
        Assert.Contains(afterRebind, b => b.Offline && b.Event == "ONCRMLEADADD");
        Assert.Contains(afterRebind, b => b.Event == "ONAPPUNINSTALL");
        Assert.Equal(OperatorCommands.Done, unbind.Code);
        Assert.Contains($"unbound {afterRebind.Count}", unbind.Output, StringComparison.Ordinal);
        Assert.Empty(await registrar.ListAsync(portal.MemberId, Ct));
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, SyncFixture? fixture = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] settings = fixture is null
            ? [$"--Storage:DataDirectory={Path.Combine(Path.GetTempPath(), "b24sync-tests", Guid.NewGuid().ToString("N"))}"]
            :
            [
                $"--Storage:DataDirectory={fixture.Service.DataDirectory}",
                $"--Bitrix24:ClientId={fixture.World.DefaultApp.ClientId}",
                $"--Bitrix24:ClientSecret={fixture.World.DefaultApp.ClientSecret}",
                $"--Bitrix24:OAuthServer={fixture.World.OAuthServerAddress}",
                "--Bitrix24:AllowInsecureEndpoints=true",
            ];
        var code = await OperatorCommands.RunAsync([.. args, .. settings], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
