using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Emulator.Tests.OAuth;

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

    [Fact]
    public async Task AuthorizationCode_IsExchangedOnce_AndASecondExchangeAnswersInvalidGrant()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var code = emulator.World.OAuth.IssueAuthorizationCode(emulator.Portal, emulator.World.DefaultApp);

        var (firstStatus, first) = await ExchangeCodeAsync(emulator, code);
        var (secondStatus, second) = await ExchangeCodeAsync(emulator, code);

        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.False(string.IsNullOrEmpty(first["access_token"]?.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, secondStatus);
        Assert.Equal("invalid_grant", second["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task AuthorizationCode_LivesThirtySeconds()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await EmulatorHarness.StartAsync(time: clock);
        var app = emulator.World.DefaultApp;
        var young = emulator.World.OAuth.IssueAuthorizationCode(emulator.Portal, app);
        clock.Advance(TimeSpan.FromSeconds(29));
        var (youngStatus, _) = await ExchangeCodeAsync(emulator, young);

        var old = emulator.World.OAuth.IssueAuthorizationCode(emulator.Portal, app);
        clock.Advance(TimeSpan.FromSeconds(30));
        var (oldStatus, oldAnswer) = await ExchangeCodeAsync(emulator, old);

        Assert.Equal(HttpStatusCode.OK, youngStatus);
        Assert.Equal(HttpStatusCode.BadRequest, oldStatus);
        Assert.Equal("invalid_grant", oldAnswer["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task TokenRequest_WithAWrongClientSecret_AnswersInvalidClient_AndSpendsNothing()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var app = emulator.World.DefaultApp;

        var (status, answer) = await TokenAsync(emulator, $"grant_type=refresh_token&client_id={app.ClientId}&client_secret=wrong&refresh_token={emulator.Tokens.RefreshToken}");
        var (retryStatus, _) = await TokenAsync(emulator, RefreshQuery(app, emulator.Tokens.RefreshToken));

        Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"Unexpected status {status}");
        Assert.Equal("invalid_client", answer["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, retryStatus);
    }

    [Fact]
    public async Task TokenAnswer_CarriesThePortalAndServerFields_AndItsAccessTokenWorks()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        var app = emulator.World.DefaultApp;

        var (status, answer) = await TokenAsync(emulator, RefreshQuery(app, emulator.Tokens.RefreshToken));
        using var client = EmulatorHarness.ClientFor(emulator.Portal, answer["access_token"]!.GetValue<string>());
        var call = await client.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(emulator.Portal.MemberId, answer["member_id"]!.GetValue<string>());
        Assert.Equal(emulator.Portal.ClientEndpoint.ToString(), answer["client_endpoint"]!.GetValue<string>());
        Assert.Equal("oauth.bitrix24.tech", answer["domain"]!.GetValue<string>());
        Assert.Equal("crm,task", answer["scope"]!.GetValue<string>());
        Assert.Equal(3600, answer["expires_in"]!.GetValue<long>());
        Assert.Equal(new Uri(emulator.World.OAuthServerAddress, "rest/").ToString(), answer["server_endpoint"]!.GetValue<string>());
        Assert.Equal(1, answer["user_id"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, call.EnsureSuccess().Status);
    }

    [Fact]
    public async Task AccessToken_AfterItsLifetime_Answers401ExpiredToken()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await EmulatorHarness.StartAsync(time: clock);
        TestMethods.AddEcho(emulator.World);
        var ct = TestContext.Current.CancellationToken;

        clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        var lastSecond = await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: ct);
        clock.Advance(TimeSpan.FromSeconds(1));
        var expired = await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: ct);

        Assert.Equal(HttpStatusCode.OK, lastSecond.EnsureSuccess().Status);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Equal("expired_token", expired.Error);
        Assert.Equal("The access token provided has expired", expired.ErrorDescription);
    }

    [Fact]
    public async Task UnknownAccessToken_Answers401()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        using var client = EmulatorHarness.ClientFor(emulator.Portal, "0123456789abcdef0123456789abcdef");

        var answer = await client.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("invalid_token", answer.Error);
    }

    [Fact]
    public async Task RequestWithoutAuth_Answers401NoAuthFound()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        using var http = new HttpClient();

        using var response = await http.PostAsync(new Uri(emulator.Portal.ClientEndpoint, TestMethods.Echo), null, TestContext.Current.CancellationToken);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("NO_AUTH_FOUND", answer["error"]!.GetValue<string>());
        Assert.Equal("Wrong authorization data", answer["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task AccessTokenOfAnotherPortal_IsRejected()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        var other = emulator.World.CreatePortal("other.bitrix24.com");
        var otherTokens = emulator.World.AuthorizeApp(other);
        using var misdirected = EmulatorHarness.ClientFor(emulator.Portal, otherTokens.AccessToken);
        using var own = EmulatorHarness.ClientFor(other, otherTokens.AccessToken);

        var answer = await misdirected.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken);
        var onItsPortal = await own.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("invalid_token", answer.Error);
        Assert.Equal(HttpStatusCode.OK, onItsPortal.EnsureSuccess().Status);
    }

    private static string RefreshQuery(EmulatedApp app, string refreshToken) =>
        $"grant_type=refresh_token&client_id={Uri.EscapeDataString(app.ClientId)}&client_secret={Uri.EscapeDataString(app.ClientSecret)}&refresh_token={refreshToken}";

    private static Task<(HttpStatusCode Status, JsonNode Answer)> ExchangeCodeAsync(EmulatorHarness emulator, string code)
    {
        var app = emulator.World.DefaultApp;
        return TokenAsync(emulator, $"grant_type=authorization_code&client_id={Uri.EscapeDataString(app.ClientId)}&client_secret={Uri.EscapeDataString(app.ClientSecret)}&code={code}");
    }

    private static async Task<(HttpStatusCode Status, JsonNode Answer)> TokenAsync(EmulatorHarness emulator, string query)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(emulator.World.OAuthServerAddress, $"oauth/token/?{query}"), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonNode.Parse(text)!);
    }
}
