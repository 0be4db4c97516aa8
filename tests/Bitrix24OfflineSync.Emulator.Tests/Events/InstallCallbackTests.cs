using System.Net;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Events;

public sealed class InstallCallbackTests
{
    [Fact]
    public async Task Install_PostsOnAppInstallFormEncodedWithAllAuthKeys()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await EmulatorHarness.StartAsync();
        var portal = emulator.World.CreatePortal("fresh.bitrix24.com");

        var outcome = await emulator.World.InstallAppAsync(portal, new Uri(receiver.Url("/install")), cancellationToken: TestContext.Current.CancellationToken);
        var install = await receiver.NextAsync();

        Assert.Equal(200, outcome.CallbackStatus);
        Assert.StartsWith("application/x-www-form-urlencoded", install.ContentType, StringComparison.Ordinal);
        Assert.Equal("ONAPPINSTALL", install["event"]);
        Assert.Equal("1", install["data[VERSION]"]);
        Assert.Equal("Y", install["data[ACTIVE]"]);
        Assert.Equal("Y", install["data[INSTALLED]"]);
        Assert.Equal("en", install["data[LANGUAGE_ID]"]);
        Assert.Equal(outcome.Tokens.AccessToken, install["auth[access_token]"]);
        Assert.Equal(outcome.Tokens.RefreshToken, install["auth[refresh_token]"]);
        Assert.Equal(outcome.ApplicationToken, install["auth[application_token]"]);
        Assert.Equal("fresh.bitrix24.com", install["auth[domain]"]);
        Assert.Equal(portal.MemberId, install["auth[member_id]"]);
        Assert.Equal(portal.ClientEndpoint.ToString(), install["auth[client_endpoint]"]);
        Assert.Equal("L", install["auth[status]"]);
        foreach (var key in new[] { "ts", "auth[expires_in]", "auth[scope]", "auth[server_endpoint]" })
        {
            Assert.False(string.IsNullOrEmpty(install[key]), key);
        }

        Assert.Equal(outcome.Tokens, emulator.World.OAuth.LastIssued(portal, emulator.World.DefaultApp));
    }

    [Fact]
    public async Task Install_AuthCarriesTheTokenSetButNoUserId()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await EmulatorHarness.StartAsync();
        var portal = emulator.World.CreatePortal("fresh.bitrix24.com");

        await emulator.World.InstallAppAsync(portal, new Uri(receiver.Url("/install")), cancellationToken: TestContext.Current.CancellationToken);
        var install = await receiver.NextAsync();

        var authKeys = install.Form.Keys.Where(k => k.StartsWith("auth[", StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(
            ["auth[access_token]", "auth[application_token]", "auth[client_endpoint]", "auth[domain]", "auth[expires_in]", "auth[member_id]",
                "auth[refresh_token]", "auth[scope]", "auth[server_endpoint]", "auth[status]"],
            authKeys);
    }

    [Fact]
    public async Task Install_ToAnUnreachableUrl_StillInstallsAndReportsNoStatus()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var portal = emulator.World.CreatePortal("fresh.bitrix24.com");

        var outcome = await emulator.World.InstallAppAsync(portal, new Uri("http://127.0.0.1:1/install"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Null(outcome.CallbackStatus);
        Assert.True(portal.IsInstalled(emulator.World.DefaultApp));
    }

    [Fact]
    public async Task Uninstall_PostsWithoutTokensAndRevokesThem()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        await emulator.Client.ResultAsync("event.bind", $$"""{"event":"ONAPPUNINSTALL","handler":"{{receiver.Url("/uninstall")}}"}""");
        emulator.RaiseAsUser(1);
        await emulator.WrittenAsync();
        var applicationToken = emulator.Portal.Installation(emulator.World.DefaultApp)!.ApplicationToken;

        await emulator.World.UninstallAppAsync(emulator.Portal, clean: true, cancellationToken: TestContext.Current.CancellationToken);
        var uninstall = await receiver.NextAsync();

        Assert.Equal("ONAPPUNINSTALL", uninstall["event"]);
        Assert.Equal("1", uninstall["data[CLEAN]"]);
        Assert.Equal("en", uninstall["data[LANGUAGE_ID]"]);
        var authKeys = uninstall.Form.Keys.Where(k => k.StartsWith("auth[", StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(["auth[application_token]", "auth[client_endpoint]", "auth[domain]", "auth[member_id]", "auth[server_endpoint]"], authKeys);
        Assert.Equal(applicationToken, uninstall["auth[application_token]"]);

        var call = await emulator.Client.CallAsync("feature.get", """{"CODE":"x"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, call.Status);
        Assert.Empty(emulator.Portal.Bindings.All);
        Assert.Empty(emulator.Portal.Queue.Snapshot());
        Assert.False(emulator.Portal.IsInstalled(emulator.World.DefaultApp));
    }
}
