using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Bitrix;

public sealed class TokenRefreshTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FiftyConcurrentCallsOnAnExpiredToken_CauseExactlyOneRefreshAndAllSucceed()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        fixture.World.Methods.Add("test.ping", null, _ => JsonValue.Create("pong"));
        var (portal, _) = await fixture.InstallAsync();
        var client = fixture.Service.Get<BitrixClient>();
        await client.CallAsync(portal.MemberId, "test.ping", null, Ct);
        var refreshesBefore = fixture.World.OAuth.RefreshRequests;
        fixture.World.OAuth.ExpireAccessTokens(portal);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.CallAsync(portal.MemberId, "test.ping", null, Ct)));

        Assert.All(answers, a => Assert.Equal("pong", a.Result!.GetValue<string>()));
        Assert.Equal(refreshesBefore + 1, fixture.World.OAuth.RefreshRequests);
        var lastIssued = fixture.World.OAuth.LastIssued(portal, fixture.World.DefaultApp)!;
        Assert.Equal(lastIssued.RefreshToken, await fixture.StoredRefreshTokenAsync(portal.MemberId));
        Assert.Equal(lastIssued.AccessToken, (await fixture.Service.Get<IPortalTokenStore>().ReadCredentialsAsync(portal.MemberId, Ct))!.AccessToken);
    }

    [Fact]
    public async Task ARefreshTokenUsedElsewhere_MarksThePortalNeedsReauthOnceAndNoRefreshLoopFollows()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        fixture.World.Methods.Add("test.ping", null, _ => JsonValue.Create("pong"));
        var (portal, _) = await fixture.InstallAsync();
        var app = fixture.World.DefaultApp;
        // Someone else spends the stored refresh token: the rotation is lost to us.
        fixture.World.OAuth.Refresh(app.ClientId, app.ClientSecret, await fixture.StoredRefreshTokenAsync(portal.MemberId));
        var client = fixture.Service.Get<BitrixClient>();
        fixture.World.OAuth.ExpireAccessTokens(portal);
        var refreshesBefore = fixture.World.OAuth.RefreshRequests;

        await Assert.ThrowsAsync<PortalNeedsReauthException>(() => client.CallAsync(portal.MemberId, "test.ping", null, Ct));
        await Assert.ThrowsAsync<PortalNeedsReauthException>(() => client.CallAsync(portal.MemberId, "test.ping", null, Ct));
        await Assert.ThrowsAsync<PortalNeedsReauthException>(() => client.CallAsync(portal.MemberId, "test.ping", null, Ct));

        Assert.Equal(refreshesBefore + 1, fixture.World.OAuth.RefreshRequests);
        Assert.Equal(PortalStatus.NeedsReauth, (await fixture.Registry.FindAsync(portal.MemberId, Ct))!.Status);
        Assert.Single(fixture.Service.Logs.Of(1202));
    }
}
