using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Emulator;

public sealed class OAuthServerTests
{
    [Fact]
    public async Task RefreshToken_RotatesAndTheUsedOneAnswersInvalidGrant()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        using var http = new HttpClient();
        var app = emulator.World.DefaultApp;
        string Url(string refresh) =>
            new Uri(emulator.World.OAuthServerAddress, $"oauth/token/?grant_type=refresh_token&client_id={app.ClientId}&client_secret={app.ClientSecret}&refresh_token={refresh}").ToString();

        using var first = await http.GetAsync(Url(emulator.Tokens.RefreshToken), TestContext.Current.CancellationToken);
        var answer = JsonNode.Parse(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(emulator.Tokens.RefreshToken, answer["refresh_token"]!.GetValue<string>());
        Assert.Equal(emulator.Portal.MemberId, answer["member_id"]!.GetValue<string>());
        Assert.Equal(emulator.Portal.ClientEndpoint.ToString(), answer["client_endpoint"]!.GetValue<string>());

        using var reused = await http.GetAsync(Url(emulator.Tokens.RefreshToken), TestContext.Current.CancellationToken);
        var error = JsonNode.Parse(await reused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Equal("invalid_grant", error["error"]!.GetValue<string>());
    }
}
