using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Registration;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Registration;

public sealed class EventRegistrationTests
{
    private const string PublicUrl = "https://sync.example.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Settings(string? events = null) => new()
    {
        ["Bitrix24:PublicUrl"] = PublicUrl,
        ["Bitrix24:DoorbellMinTimeout"] = "5",
        ["Bitrix24:Events"] = events,
    };

    [Fact]
    public async Task AnInstall_BindsTheDoorbellUninstallAndTheConfiguredOfflineEvents()
    {
        await using var fixture = await IntakeFixture.StartAsync(Settings("ONCRMDEALADD,ONCRMDEALUPDATE,ONTASKUPDATE"));

        var (portal, _) = await fixture.InstallAsync();
        // Bitrix24 itself binds the install URL as the app's ONAPPINSTALL handler: one binding more.
        var bindings = await WaitForBindingsAsync(fixture, portal, count: 6);

        Assert.Contains(bindings, b => b.Event == "ONOFFLINEEVENT" && !b.Offline && b.Handler == $"{PublicUrl}/bitrix24/events");
        Assert.Contains(bindings, b => b.Event == "ONAPPUNINSTALL" && !b.Offline && b.Handler == $"{PublicUrl}/bitrix24/events");
        Assert.Equal(["ONCRMDEALADD", "ONCRMDEALUPDATE", "ONTASKUPDATE"], bindings.Where(b => b.Offline).Select(b => b.Event).Order());
        Assert.NotEmpty(fixture.Service.Logs.Of(1601));
    }

    [Fact]
    public async Task SmartProcessAndActivityEvents_AreBoundOfflineLikeTheOthers()
    {
        string[] events = ["ONCRMDYNAMICITEMADD", "ONCRMDYNAMICITEMUPDATE", "ONCRMDYNAMICITEMDELETE", "ONCRMACTIVITYADD", "ONCRMACTIVITYUPDATE", "ONCRMACTIVITYDELETE"];
        await using var fixture = await IntakeFixture.StartAsync(Settings(string.Join(',', events)));

        var (portal, _) = await fixture.InstallAsync();
        var bindings = await WaitForBindingsAsync(fixture, portal, count: 9);

        Assert.Equal(events.Order(), bindings.Where(b => b.Offline).Select(b => b.Event).Order());
    }

    [Fact]
    public async Task RegisteringAgain_ChangesNothing()
    {
        await using var fixture = await IntakeFixture.StartAsync(Settings());
        var (portal, _) = await fixture.InstallAsync();
        var before = await WaitForBindingsAsync(fixture, portal, count: 15);

        var result = await fixture.Service.Get<EventRegistrar>().RegisterAsync(portal.MemberId, replaceOtherHandlers: false, Ct);
        var reinstall = await fixture.World.InstallAppAsync(portal, fixture.Service.EventsUrl, cancellationToken: Ct);

        Assert.Empty(result.Bound);
        Assert.Equal(15, result.AlreadyBound);
        Assert.Equal(200, reinstall.CallbackStatus);
        Assert.Equal(before.OrderBy(b => b.ToString()), (await WaitForBindingsAsync(fixture, portal, count: 15)).OrderBy(b => b.ToString()));
    }

    [Fact]
    public async Task WithoutAPublicUrl_NothingIsBoundAndTheLogSaysWhy()
    {
        await using var fixture = await IntakeFixture.StartAsync();

        var (portal, _) = await fixture.InstallAsync();
        var result = await fixture.Service.Get<EventRegistrar>().RegisterAsync(portal.MemberId, replaceOtherHandlers: false, Ct);

        Assert.Empty(result.Bound);
        Assert.DoesNotContain(await fixture.Service.Get<EventRegistrar>().ListAsync(portal.MemberId, Ct), b => b.Offline || b.Event == "ONOFFLINEEVENT");
        Assert.NotEmpty(fixture.Service.Logs.Of(1602));
    }

    [Fact]
    public async Task Rebinding_AfterThePublicUrlChanged_MovesTheHandlers()
    {
        await using var fixture = await IntakeFixture.StartAsync(Settings("ONCRMDEALUPDATE"));
        var (portal, _) = await fixture.InstallAsync();
        await WaitForBindingsAsync(fixture, portal, count: 4);
        using var app = new RestClient(new HttpClient(), portal.ClientEndpoint, fixture.World.OAuth.LastIssued(portal, fixture.World.DefaultApp)!.AccessToken);
        (await app.CallAsync("event.bind", new JsonObject { ["event"] = "ONOFFLINEEVENT", ["handler"] = "https://old.example.com/bitrix24/events" }, Ct)).EnsureSuccess();

        var result = await fixture.Service.Get<EventRegistrar>().RegisterAsync(portal.MemberId, replaceOtherHandlers: true, Ct);

        Assert.Empty(result.Failed);
        var doorbells = (await fixture.Service.Get<EventRegistrar>().ListAsync(portal.MemberId, Ct)).Where(b => b.Event == "ONOFFLINEEVENT").ToList();
        Assert.Equal([$"{PublicUrl}/bitrix24/events"], doorbells.Select(b => b.Handler));
    }

    [Fact]
    public async Task APlanWithoutAuthConnector_IsBoundWithoutTheConnector_AndTheOperatorIsToldOnce()
    {
        var settings = Settings("ONCRMDEALUPDATE");
        settings["Bitrix24:AuthConnector"] = "erp";
        await using var fixture = await IntakeFixture.StartAsync(settings);
        var portal = fixture.World.CreatePortal("basic.bitrix24.com");
        portal.SetFeature(Bitrix24OfflineSync.Emulator.Portals.EmulatedPortal.AuthConnectorFeature, false);

        var outcome = await fixture.World.InstallAppAsync(portal, fixture.Service.EventsUrl, cancellationToken: Ct);
        var bindings = await WaitForBindingsAsync(fixture, portal, count: 4);
        var again = await fixture.Service.Get<EventRegistrar>().RegisterAsync(portal.MemberId, replaceOtherHandlers: false, Ct);

        Assert.Equal(200, outcome.CallbackStatus);
        Assert.Equal([""], bindings.Where(b => b.Offline).Select(b => b.ConnectorId));
        Assert.Empty(again.Failed);
        Assert.Empty(again.Bound);
        Assert.Single(fixture.Service.Logs.Of(1209));
    }

    private static async Task<IReadOnlyList<EventBinding>> WaitForBindingsAsync(IntakeFixture fixture, Bitrix24OfflineSync.Emulator.Portals.EmulatedPortal portal, int count)
    {
        var registrar = fixture.Service.Get<EventRegistrar>();
        IReadOnlyList<EventBinding> bindings = [];
        await Wait.UntilAsync(
            async () => (bindings = await registrar.ListAsync(portal.MemberId, Ct)).Count >= count,
            $"the portal holds {count} bindings");
        return bindings;
    }
}
