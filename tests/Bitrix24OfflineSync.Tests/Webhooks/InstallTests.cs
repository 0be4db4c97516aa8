using System.Net;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Tests.Infrastructure;
using static Bitrix24OfflineSync.Tests.Infrastructure.EventForms;

namespace Bitrix24OfflineSync.Tests.Webhooks;

public sealed class InstallTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Install_PostedByTheEmulator_StoresThePortalWithTheEndpointFromTheOAuthAnswer()
    {
        await using var fixture = await IntakeFixture.StartAsync();

        var (portal, outcome) = await fixture.InstallAsync();

        Assert.Equal(200, outcome.CallbackStatus);
        var stored = await fixture.Registry.FindAsync(portal.MemberId, Ct);
        Assert.NotNull(stored);
        Assert.Equal(PortalStatus.Active, stored.Status);
        Assert.Equal(portal.ClientEndpoint, stored.ClientEndpoint);
        // The domain is the verified endpoint's host (the emulator serves every portal on its own address).
        Assert.Equal(portal.ClientEndpoint.Host, stored.Domain);
        Assert.NotNull(stored.ApplicationTokenHash);
        // Verification spent the install's refresh token once at the OAuth server.
        Assert.Equal(1, fixture.World.OAuth.RefreshesGranted);
    }

    [Fact]
    public async Task Install_WithARefreshTokenTheOAuthServerRejects_Returns401AndStoresNothingAndCallsNoPayloadHost()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        using var payloadHost = new ConnectionCounter();
        var portal = fixture.World.CreatePortal("forged.bitrix24.com");

        using var response = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, InstallForm(portal.MemberId, "not-a-real-refresh-token", payloadHost.Url), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await fixture.Registry.ListAsync(Ct));
        Assert.Equal(0, payloadHost.Connections);
    }

    [Fact]
    public async Task Install_WhoseOAuthAnswerNamesAnotherMemberId_Returns401AndStoresNothing()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        using var payloadHost = new ConnectionCounter();
        var victim = fixture.World.CreatePortal("victim.bitrix24.com");
        var attacker = fixture.World.CreatePortal("attacker.bitrix24.com");
        var attackerTokens = fixture.World.AuthorizeApp(attacker);

        using var response = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, InstallForm(victim.MemberId, attackerTokens.RefreshToken, payloadHost.Url), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await fixture.Registry.ListAsync(Ct));
        Assert.Equal(0, payloadHost.Connections);
    }

    [Fact]
    public async Task Install_WhosePayloadEndpointPointsAtAnotherHost_Returns401AndStoresNothingAndCallsNoPayloadHost()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        using var payloadHost = new ConnectionCounter();
        var portal = fixture.World.CreatePortal("shop.bitrix24.com");
        var tokens = fixture.World.AuthorizeApp(portal);

        using var response = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, InstallForm(portal.MemberId, tokens.RefreshToken, payloadHost.Url), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await fixture.Registry.ListAsync(Ct));
        Assert.Equal(0, payloadHost.Connections);
    }

    [Fact]
    public async Task Reinstall_ThatFailsVerification_LeavesTheStoredPortalUnchanged()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        var before = await fixture.Registry.FindAsync(portal.MemberId, Ct);

        using var response = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, InstallForm(portal.MemberId, "stolen-or-made-up", portal.ClientEndpoint), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await fixture.Registry.FindAsync(portal.MemberId, Ct), PortalRecordComparer.Instance);
    }

    [Fact]
    public async Task Reinstall_ThatPassesVerification_ReplacesTheRecord()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        var first = await fixture.Registry.FindAsync(portal.MemberId, Ct);

        var again = await fixture.World.InstallAppAsync(portal, fixture.Service.EventsUrl, cancellationToken: Ct);

        Assert.Equal(200, again.CallbackStatus);
        var second = await fixture.Registry.FindAsync(portal.MemberId, Ct);
        Assert.Equal(PortalStatus.Active, second!.Status);
        Assert.True(second.AccessExpiresAt >= first!.AccessExpiresAt);
    }

    [Fact]
    public async Task Install_WithWrongClientCredentials_Returns401AndStoresNothing()
    {
        await using var fixture = await IntakeFixture.StartAsync(new Dictionary<string, string?> { ["Bitrix24:ClientSecret"] = "not-the-secret" });

        var (portal, outcome) = await fixture.InstallAsync();

        Assert.Equal(401, outcome.CallbackStatus);
        Assert.Null(await fixture.Registry.FindAsync(portal.MemberId, Ct));
    }

    private static FormUrlEncodedContent InstallForm(string memberId, string refreshToken, Uri payloadHost) =>
        Install(memberId, refreshToken, new Uri(payloadHost, "rest/"), "51856fefc120afa4b628cc82d3935cce", payloadHost.Authority);
}
