using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Bitrix24OfflineSync.Operations;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Tests.Deployment;

/// <summary>
/// The published service run as the image runs it: as an unprivileged user, from a folder it cannot write, with one
/// writable data folder (the image's /data volume).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class PublishedOutputTests(PublishedAppFixture published) : IClassFixture<PublishedAppFixture>
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AsANonRootUserOnAReadOnlyAppFolder_TheServiceIsReadyAndWritesOnlyItsDataFolder()
    {
        SkipUnlessRunnable();
        var dataDirectory = await OwnedDataDirectoryAsync();
        var appBefore = Snapshot(published.AppDirectory);
        var port = FreePort();

        using (var service = await StartServiceAsync(dataDirectory, port))
        {
            using var http = new HttpClient();
            using var ready = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"), TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.DoesNotContain("\"Level\":\"Error\"", service.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("\"Level\":\"Fatal\"", service.Output, StringComparison.Ordinal);
        }

        var written = Directory.EnumerateFiles(dataDirectory).Select(Path.GetFileName).ToList();
        Assert.Contains("encryption.key", written);
        Assert.Contains("sync.db", written);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dataDirectory, "encryption.key")));
        Assert.Equal(appBefore, Snapshot(published.AppDirectory));
    }

    [Fact]
    public async Task TheHealthcheckVerb_ExitsZeroWhileTheServiceIsReadyAndOneOnceItIsGone()
    {
        SkipUnlessRunnable();
        var dataDirectory = await OwnedDataDirectoryAsync();
        var port = FreePort();

        using (await StartServiceAsync(dataDirectory, port))
        {
            var (healthy, output) = await HealthcheckAsync(port);
            Assert.True(healthy == HealthProbe.Healthy, output);
        }

        var (gone, _) = await HealthcheckAsync(port);
        Assert.Equal(HealthProbe.Unhealthy, gone);
    }

    private void SkipUnlessRunnable()
    {
        if (published.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    private async Task<ChildProcess> StartServiceAsync(string dataDirectory, int port)
    {
        var service = ChildProcess.Start("runuser", ["-u", PublishedAppFixture.RunAs, "--", "dotnet", "Bitrix24OfflineSync.dll"], published.AppDirectory, Environment(port, dataDirectory));
        try
        {
            await Wait.ForAsync(cancellationToken => service.WaitForLineAsync("Now listening on", cancellationToken), "the published service logs 'Now listening on'", StartLimit);
            return service;
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    /// <summary>What the image's HEALTHCHECK runs, in the image's working directory.</summary>
    private Task<(int ExitCode, string Output)> HealthcheckAsync(int port) =>
        ChildProcess.RunAsync("runuser", ["-u", PublishedAppFixture.RunAs, "--", "dotnet", "Bitrix24OfflineSync.dll", "healthcheck"],
            published.AppDirectory, Environment(port, dataDirectory: null), StartLimit);

    private static Dictionary<string, string?> Environment(int port, string? dataDirectory) => new()
    {
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        ["ASPNETCORE_HTTP_PORTS"] = null,
        ["ASPNETCORE_ENVIRONMENT"] = null,
        ["DOTNET_ENVIRONMENT"] = null,
        ["Storage__DataDirectory"] = dataDirectory,
    };

    /// <summary>A folder only the service's user may write, like the image's /data.</summary>
    private async Task<string> OwnedDataDirectoryAsync()
    {
        var path = Path.Combine(published.Root, "data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var chown = await ChildProcess.RunAsync("chown", [PublishedAppFixture.RunAs, path], published.Root, null, StartLimit);
        Assert.True(chown.ExitCode == 0, chown.Output);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static string Snapshot(string directory) => string.Join('\n', Directory
        .EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(p => $"{Path.GetRelativePath(directory, p)} {(File.Exists(p) ? new FileInfo(p).Length : -1)} {File.GetLastWriteTimeUtc(p):O}"));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
