using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Hosting;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Methods;

/// <summary>
/// <c>user.admin</c> and <c>profile</c> answer for the token's user, and what a token may do follows that user's admin
/// flag: every user who opens an app holds valid tokens of it, only an administrator's pass the admin checks.
/// </summary>
public sealed class UserMethodsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UserAdmin_ForTheInstallingAdministratorsToken_IsTrue()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.Client.CallAsync("user.admin", cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.True(answer.Result!.GetValue<bool>());
    }

    [Fact]
    public async Task UserAdmin_ForAnOrdinaryUserWhoOpenedTheApp_IsFalse_ThoughTheTokenIsValid()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var user = emulator.Portal.Users.Add(isAdmin: false);
        var tokens = emulator.World.OpenApp(emulator.Portal, user.Id);
        using var client = EmulatorHarness.ClientFor(emulator.Portal, tokens.AccessToken);

        var admin = await client.CallAsync("user.admin", cancellationToken: Ct);
        var deals = await client.CallAsync("crm.deal.list", cancellationToken: Ct);

        Assert.False(admin.EnsureSuccess().Result!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, deals.Status);
        Assert.Equal(user.Id, tokens.UserId);
    }

    [Fact]
    public async Task AdminChecks_FollowTheTokensUser_NotWhoInstalledTheApp()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var user = emulator.Portal.Users.Add(isAdmin: false);
        using var ordinary = EmulatorHarness.ClientFor(emulator.Portal, emulator.World.OpenApp(emulator.Portal, user.Id).AccessToken);

        var byUser = await ordinary.CallAsync("event.offline.get", new JsonObject { ["clear"] = 0 }, Ct);
        var byAdmin = await emulator.Client.CallAsync("event.offline.get", new JsonObject { ["clear"] = 0 }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, byUser.Status);
        Assert.Equal("ACCESS_DENIED", byUser.Error);
        Assert.Equal(HttpStatusCode.OK, byAdmin.Status);
    }

    [Fact]
    public async Task UserAdmin_ChangesWithTheUsersFlag_ForTheSameToken()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var user = emulator.Portal.Users.Add(isAdmin: false);
        using var client = EmulatorHarness.ClientFor(emulator.Portal, emulator.World.OpenApp(emulator.Portal, user.Id).AccessToken);

        var before = await client.CallAsync("user.admin", cancellationToken: Ct);
        emulator.Portal.Users.Set(user.Id, isAdmin: true);
        var after = await client.CallAsync("user.admin", cancellationToken: Ct);

        Assert.False(before.Result!.GetValue<bool>());
        Assert.True(after.Result!.GetValue<bool>());
    }

    [Fact]
    public async Task Profile_AnswersTheUsersIdAndAdminFlag()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var user = emulator.Portal.Users.Add(isAdmin: false, name: "Olga");
        using var client = EmulatorHarness.ClientFor(emulator.Portal, emulator.World.OpenApp(emulator.Portal, user.Id).AccessToken);

        var ordinary = (await client.CallAsync("profile", cancellationToken: Ct)).EnsureSuccess().Result!;
        var admin = (await emulator.Client.CallAsync("profile", cancellationToken: Ct)).EnsureSuccess().Result!;

        Assert.Equal(user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ordinary["ID"]!.GetValue<string>());
        Assert.False(ordinary["ADMIN"]!.GetValue<bool>());
        Assert.Equal("Olga", ordinary["NAME"]!.GetValue<string>());
        Assert.Equal("1", admin["ID"]!.GetValue<string>());
        Assert.True(admin["ADMIN"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AnOrdinaryUsersRefreshToken_WorksAtTheOAuthServer_AndNamesThePortalAndTheUser()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var user = emulator.Portal.Users.Add(isAdmin: false);
        var tokens = emulator.World.OpenApp(emulator.Portal, user.Id);
        var app = emulator.World.DefaultApp;
        using var http = new HttpClient();

        using var response = await http.GetAsync(
            new Uri(emulator.World.OAuthServerAddress, $"oauth/token/?grant_type=refresh_token&client_id={app.ClientId}&client_secret={app.ClientSecret}&refresh_token={tokens.RefreshToken}"),
            Ct);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(emulator.Portal.MemberId, answer["member_id"]!.GetValue<string>());
        Assert.Equal(user.Id, answer["user_id"]!.GetValue<int>());
        // Opening the app does not change which pair the app itself is expected to hold.
        Assert.Equal(emulator.Tokens, emulator.World.OAuth.LastIssued(emulator.Portal, app));
    }

    [Fact]
    public async Task OpenApp_WhenTheAppIsNotInstalledOrTheUserUnknown_Throws()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var other = emulator.World.CreatePortal("other.bitrix24.com");
        var user = other.Users.Add(isAdmin: false);

        Assert.Throws<InvalidOperationException>(() => emulator.World.OpenApp(other, user.Id));
        Assert.Throws<KeyNotFoundException>(() => emulator.World.OpenApp(emulator.Portal, 999));
    }

    [Fact]
    public async Task ControlUsers_AddAUserAndOpenTheApp_GivesTokensWhoseUserIsNoAdmin()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var domain = emulator.Portal.Domain;

        var added = await emulator.ControlAsync(HttpMethod.Post, $"portals/{domain}/users", """{"name":"Olga"}""");
        var id = added.Body!["id"]!.GetValue<int>();
        var opened = await emulator.ControlAsync(HttpMethod.Post, $"portals/{domain}/users/{id}/open-app");
        var listed = await emulator.ControlAsync(HttpMethod.Get, $"portals/{domain}/users");
        using var client = EmulatorHarness.ClientFor(emulator.Portal, opened.Body!["access_token"]!.GetValue<string>());
        var admin = await client.CallAsync("user.admin", cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.Created, added.Status);
        Assert.False(added.Body["admin"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, opened.Status);
        Assert.Equal(id, opened.Body["user_id"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(opened.Body["refresh_token"]!.GetValue<string>()));
        Assert.Equal([1, id], listed.Body!.AsArray().Select(u => u!["id"]!.GetValue<int>()));
        Assert.True(listed.Body.AsArray()[0]!["admin"]!.GetValue<bool>());
        Assert.False(admin.Result!.GetValue<bool>());
    }

    [Fact]
    public async Task ControlUsers_AddAnAdministrator_WhoseTokensAnswerTrue()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var domain = emulator.Portal.Domain;

        var added = await emulator.ControlAsync(HttpMethod.Post, $"portals/{domain}/users", """{"admin":true}""");
        var opened = await emulator.ControlAsync(HttpMethod.Post, $"portals/{domain}/users/{added.Body!["id"]}/open-app", "{}");
        using var client = EmulatorHarness.ClientFor(emulator.Portal, opened.Body!["access_token"]!.GetValue<string>());

        Assert.True(added.Body["admin"]!.GetValue<bool>());
        Assert.True((await client.CallAsync("user.admin", cancellationToken: Ct)).Result!.GetValue<bool>());
    }

    [Theory]
    [InlineData("users/999/open-app", null, HttpStatusCode.NotFound)]
    [InlineData("users/1/open-app", """{"clientId":"no.such.app"}""", HttpStatusCode.BadRequest)]
    [InlineData("users", """{"admin":"yes"}""", HttpStatusCode.BadRequest)]
    [InlineData("users", """{"role":"admin"}""", HttpStatusCode.BadRequest)]
    public async Task ControlUsers_RefuseWhatCannotBeDone(string path, string? body, HttpStatusCode expected)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answer = await emulator.ControlAsync(HttpMethod.Post, $"portals/{emulator.Portal.Domain}/{path}", body);

        Assert.Equal(expected, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Single(emulator.Portal.Users.All);
    }

    [Fact]
    public async Task ControlUsers_OpenAppOnAPortalWithoutTheApp_Is409()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        emulator.World.CreatePortal("bare.bitrix24.com");

        var answer = await emulator.ControlAsync(HttpMethod.Post, "portals/bare.bitrix24.com/users/1/open-app");

        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
    }
}
