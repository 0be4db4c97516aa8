using System.Text;
using Bitrix24OfflineSync.Tests.Infrastructure;
using static Bitrix24OfflineSync.Tests.Infrastructure.EventForms;

namespace Bitrix24OfflineSync.Tests.Webhooks;

public sealed class SecretsAtRestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DatabaseFiles_HoldNoPlaintextTokenAndNoApplicationToken()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, outcome) = await fixture.InstallAsync();
        using var doorbell = await fixture.Service.Http.PostAsync(fixture.Service.EventsUrl, Doorbell(portal.MemberId, outcome.ApplicationToken), Ct);
        var stored = fixture.World.OAuth.LastIssued(portal, fixture.World.DefaultApp)!;
        var secrets = new[] { stored.AccessToken, stored.RefreshToken, outcome.Tokens.AccessToken, outcome.Tokens.RefreshToken, outcome.ApplicationToken };

        var files = Directory.GetFiles(fixture.Service.DataDirectory, "sync.db*");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var bytes = await ReadSharedAsync(file);
            foreach (var secret in secrets)
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{Path.GetFileName(file)} holds a token in plaintext");
            }
        }
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }
}
