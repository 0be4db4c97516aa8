using System.Net;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Tests.Infrastructure;
using static Bitrix24OfflineSync.Tests.Infrastructure.EventForms;

namespace Bitrix24OfflineSync.Tests.Webhooks;

/// <summary>
/// An install must come from an administrator of the portal: any user who opens an app holds valid tokens of it, and
/// with them alone a forged ONAPPINSTALL used to replace the portal's tokens and application_token.
/// </summary>
public sealed class InstallerTests
{
    private const string AttackersToken = "a77ac4e25a77ac4e25a77ac4e25a77ac";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reinstall_WithAnOrdinaryUsersValidTokens_IsRefused_AndChangesNothing()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, outcome) = await fixture.InstallAsync();
        var before = await fixture.Registry.FindAsync(portal.MemberId, Ct);
        var storedRefresh = await fixture.StoredRefreshTokenAsync(portal.MemberId);
        var user = portal.Users.Add(isAdmin: false);
        var users = fixture.World.OpenApp(portal, user.Id);

        using var forged = await fixture.Service.Http.PostAsync(
            fixture.Service.EventsUrl, Install(portal.MemberId, users.RefreshToken, portal.ClientEndpoint, AttackersToken, "attacker.example"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(before, await fixture.Registry.FindAsync(portal.MemberId, Ct), PortalRecordComparer.Instance);
        Assert.Equal(storedRefresh, await fixture.StoredRefreshTokenAsync(portal.MemberId));
        var takeover = Assert.Single(fixture.Service.Logs.Of(1012));
        Assert.Equal(portal.MemberId, takeover["MemberId"]);
        Assert.Equal(user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), takeover["UserId"]);

        // The portal's own doorbell still rings; the attacker's token opens nothing, not even an uninstall.
        using var real = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, outcome.ApplicationToken), Ct);
        using var attackersBell = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, AttackersToken), Ct);
        using var attackersUninstall = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Uninstall(portal.MemberId, AttackersToken, clean: true), Ct);
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, attackersBell.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, attackersUninstall.StatusCode);
        Assert.Equal(PortalStatus.Active, (await fixture.Registry.FindAsync(portal.MemberId, Ct))!.Status);
        Assert.Empty(fixture.Service.Logs.Of(1003));
        Assert.Empty(fixture.Service.Logs.Of(1010));
    }

    [Fact]
    public async Task Install_ByAnOrdinaryUser_IsRefused_AndStoresNothing()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        fixture.World.AuthorizeApp(portal);
        var user = portal.Users.Add(isAdmin: false);
        var users = fixture.World.OpenApp(portal, user.Id);

        using var response = await fixture.Service.Http.PostAsync(
            fixture.Service.EventsUrl, Install(portal.MemberId, users.RefreshToken, portal.ClientEndpoint, AttackersToken, portal.Domain), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(await fixture.Registry.FindAsync(portal.MemberId, Ct));
        var refusal = Assert.Single(fixture.Service.Logs.Of(1002));
        Assert.Contains("not an administrator", refusal["Reason"], StringComparison.Ordinal);
        Assert.Empty(fixture.Service.Logs.Of(1012));
        // The admin check was asked of the portal, at the endpoint the OAuth server named.
        Assert.Equal(1, portal.Stats.CallsOf("user.admin"));
    }

    [Fact]
    public async Task Reinstall_ByAnotherAdministrator_TakesEffect_AndTheOldApplicationTokenIsRefused()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, outcome) = await fixture.InstallAsync();
        var storedRefresh = await fixture.StoredRefreshTokenAsync(portal.MemberId);
        var admin = portal.Users.Add(isAdmin: true);
        var admins = fixture.World.OpenApp(portal, admin.Id);
        const string NewToken = "0e1f2d3c4b5a69788796a5b4c3d2e1f0";

        using var reinstall = await fixture.Service.Http.PostAsync(
            fixture.Service.EventsUrl, Install(portal.MemberId, admins.RefreshToken, portal.ClientEndpoint, NewToken, portal.Domain), Ct);

        Assert.Equal(HttpStatusCode.OK, reinstall.StatusCode);
        var newRefresh = await fixture.StoredRefreshTokenAsync(portal.MemberId);
        Assert.NotEqual(storedRefresh, newRefresh);
        Assert.NotEqual(admins.RefreshToken, newRefresh);
        using var withNew = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, NewToken), Ct);
        using var withOld = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, outcome.ApplicationToken), Ct);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withOld.StatusCode);
        Assert.Empty(fixture.Service.Logs.Of(1012));
    }

    [Fact]
    public async Task Install_StoresTheVerifiedEndpointsHostAsTheDomain_NeverThePayloads()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        var tokens = fixture.World.AuthorizeApp(portal);

        using var response = await fixture.Service.Http.PostAsync(
            fixture.Service.EventsUrl, Install(portal.MemberId, tokens.RefreshToken, portal.ClientEndpoint, AttackersToken, "another-company.bitrix24.com\u001b[2J"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await fixture.Registry.FindAsync(portal.MemberId, Ct);
        Assert.Equal(portal.ClientEndpoint.Host, stored!.Domain);
        Assert.Equal(portal.ClientEndpoint.Host, Assert.Single(fixture.Service.Logs.Of(1001))["Domain"]);
    }

    [Fact]
    public async Task Install_WhoseAdminCheckCannotBeAnswered_IsRefused_AndStoresNothing()
    {
        await using var fixture = await IntakeFixture.StartAsync(new Dictionary<string, string?> { ["Bitrix24:Resilience:MaxRetries"] = "0" });
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        var tokens = fixture.World.AuthorizeApp(portal);
        portal.Faults.ServerErrorRate = 1;

        using var response = await fixture.Service.Http.PostAsync(
            fixture.Service.EventsUrl, Install(portal.MemberId, tokens.RefreshToken, portal.ClientEndpoint, AttackersToken, portal.Domain), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(await fixture.Registry.FindAsync(portal.MemberId, Ct));
        Assert.Contains("user.admin could not be asked", Assert.Single(fixture.Service.Logs.Of(1002))["Reason"], StringComparison.Ordinal);
    }
}
