using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Operations;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Operations;

public sealed class KeyCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyNew_PrintsOneNewKeyInTheFormStorageEncryptionKeyTakes()
    {
        var first = await RunAsync("key", "new");
        var second = await RunAsync("key", "new");

        Assert.Equal(OperatorCommands.Done, first.Code);
        var line = Assert.Single(first.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Storage__EncryptionKey=", line, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(line["Storage__EncryptionKey=".Length..]).Length);
        Assert.NotEqual(first.Output, second.Output);
        Assert.Contains("Back it up", first.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePrintedKey_GivenAsStorageEncryptionKey_StartsTheServiceWhoseStoredTokensDecryptAfterARestart()
    {
        var printed = (await RunAsync("key", "new")).Output.Trim();
        var (name, value) = (printed[..printed.IndexOf('=', StringComparison.Ordinal)], printed[(printed.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        await using var fixture = await SyncFixture.StartAsync(new Dictionary<string, string?> { [name.Replace("__", ":", StringComparison.Ordinal)] = value });
        var portal = await fixture.InstallAndBindAsync();

        // No doorbell reaches the first instance: the change is drained by the next one's start-up pass, which has only
        // the stored, encrypted tokens to call the portal with, so they must decrypt with the key.
        await fixture.UnbindDoorbellAsync(portal);
        var deal = fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "after restart" } });
        await fixture.World.WhenEventsWrittenAsync(Ct);
        await fixture.RestartServiceAsync();
        await fixture.WaitUntilDrainedAsync(portal);

        Assert.NotNull(await fixture.Service.Get<IMirrorStore>().FindAsync(portal.MemberId, "crm.deal", deal.Result!.ToString(), Ct));
        Assert.False(File.Exists(Path.Combine(fixture.Service.DataDirectory, "encryption.key")), "no key was generated: the configured one is used");
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await KeyCommand.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
