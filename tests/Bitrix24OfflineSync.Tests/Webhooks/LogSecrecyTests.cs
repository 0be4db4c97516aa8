using Bitrix24OfflineSync.Tests.Infrastructure;
using static Bitrix24OfflineSync.Tests.Infrastructure.EventForms;

namespace Bitrix24OfflineSync.Tests.Webhooks;

public sealed class LogSecrecyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IntakeLogs_ContainNoTokenTheEmulatorIssued()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, outcome) = await fixture.InstallAsync();
        var other = fixture.World.CreatePortal("other.bitrix24.com");
        var otherTokens = fixture.World.AuthorizeApp(other);
        var events = fixture.Service.EventsUrl;
        var http = fixture.Service.Http;

        (await http.PostAsync(events, Doorbell(portal.MemberId, outcome.ApplicationToken, otherTokens.AccessToken, otherTokens.RefreshToken), Ct)).Dispose();
        (await http.PostAsync(events, Doorbell(portal.MemberId, "0123456789abcdef0123456789abcdef", otherTokens.AccessToken), Ct)).Dispose();
        (await http.PostAsync(events, Form(("event", "ONAPPINSTALL"), ("auth[member_id]", portal.MemberId), ("auth[refresh_token]", otherTokens.RefreshToken), ("auth[application_token]", outcome.ApplicationToken)), Ct)).Dispose();
        (await http.PostAsync(events, Raw($"event=ONOFFLINEEVENT&auth[access_token]={otherTokens.AccessToken}&auth[member_id]=%FF"), Ct)).Dispose();

        var issued = fixture.World.OAuth.LastIssued(portal, fixture.World.DefaultApp)!;
        var secrets = new[]
        {
            outcome.Tokens.AccessToken, outcome.Tokens.RefreshToken, outcome.ApplicationToken,
            issued.AccessToken, issued.RefreshToken, otherTokens.AccessToken, otherTokens.RefreshToken,
            fixture.World.DefaultApp.ClientSecret,
        };
        var lines = fixture.Service.Logs.Lines;
        Assert.NotEmpty(fixture.Service.Logs.Of(1001));
        Assert.NotEmpty(fixture.Service.Logs.Of(1006));
        foreach (var line in lines)
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
            }
        }
    }
}
