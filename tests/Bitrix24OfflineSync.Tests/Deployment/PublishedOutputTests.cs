using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
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
            Assert.DoesNotContain(Events(service.Output), e => e["@l"]?.ToString() is "Error" or "Fatal");
        }

        var written = Directory.EnumerateFiles(dataDirectory).Select(Path.GetFileName).ToList();
        Assert.Contains("encryption.key", written);
        Assert.Contains("sync.db", written);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dataDirectory, "encryption.key")));
        Assert.Equal(appBefore, Snapshot(published.AppDirectory));
    }

    [Fact]
    public async Task ProductionLogs_AreCompactJsonLines_WithOneCompletionEventPerRequest_AndMetricsOnlyOnTheManagementPort()
    {
        SkipUnlessRunnable();
        var dataDirectory = await OwnedDataDirectoryAsync();
        var (port, management) = (FreePort(), FreePort());
        const string Token = "access-token-that-must-not-be-logged-5c1e";

        using var service = await StartServiceAsync(dataDirectory, port, management);
        using var http = new HttpClient();
        var ct = TestContext.Current.CancellationToken;
        using var form = new FormUrlEncodedContent([new("event", "ONSOMETHINGELSE"), new("auth[member_id]", "m-claimed"), new("auth[access_token]", Token)]);
        using var posted = await http.PostAsync(new Uri($"http://127.0.0.1:{port}/bitrix24/events"), form, ct);
        using var publicMetrics = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"), ct);
        using var metrics = await http.GetAsync(new Uri($"http://127.0.0.1:{management}/metrics"), ct);
        using var eventsOnManagement = await http.PostAsync(new Uri($"http://127.0.0.1:{management}/bitrix24/events"), new StringContent(""), ct);

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, publicMetrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("b24sync_", await metrics.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, eventsOnManagement.StatusCode);
        static bool IsCompletion(JsonObject e) =>
            e["RequestPath"]?.ToString() == "/bitrix24/events" && e["RequestMethod"]?.ToString() == "POST" && e["StatusCode"]?.GetValue<int>() == 200;
        await Wait.UntilAsync(() => Events(service.Output).Any(IsCompletion), "the request completion event of the POST");
        var completion = Events(service.Output).Single(IsCompletion);
        Assert.Equal("ONSOMETHINGELSE", completion["EventName"]!.ToString());
        Assert.Equal("m-claimed", completion["MemberId"]!.ToString());
        Assert.True(completion["Elapsed"]!.GetValue<double>() >= 0);
        Assert.Null(completion["@l"]);
        var lines = service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Every line is one CLEF event: a timestamp and a rendered message, nothing else on the line.
        Assert.All(lines, line => Assert.True(JsonNode.Parse(line) is JsonObject { } e && e["@t"] is not null && e["@m"] is not null, line));
        Assert.DoesNotContain(lines, line => line.Contains(Token, StringComparison.Ordinal));
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

    [Theory]
    [InlineData("/")]
    [InlineData("the application's folder")]
    public async Task StartedFromAnyFolder_TheServiceReadsItsOwnSettings_KeepsItsDataInItsFolder_AndWatchesNoFolder(string startedFrom)
    {
        SkipUnlessRunnable();
        var workingDirectory = startedFrom == "/" ? "/" : published.AppDirectory;
        // A relative data folder, as an operator may write it: it is the application folder's, whatever the working directory.
        var relative = "data-" + Guid.NewGuid().ToString("N");
        var dataDirectory = await OwnedDataDirectoryAsync(Path.Combine(published.AppDirectory, relative));
        var port = FreePort();
        try
        {
            using var service = await StartServiceAsync(relative, port, workingDirectory: workingDirectory);
            using var http = new HttpClient();
            using var doorbell = new FormUrlEncodedContent([new("event", "ONOFFLINEEVENT"), new("auth[member_id]", "m-unknown"), new("auth[application_token]", "t")]);
            using var refused = await http.PostAsync(new Uri($"http://127.0.0.1:{port}/bitrix24/events"), doorbell, TestContext.Current.CancellationToken);
            await Wait.UntilAsync(() => Events(service.Output).Any(e => e["StatusCode"]?.GetValue<int>() == 401), "the completion event of the refused doorbell");

            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            // appsettings.json was read: the framework's own per-request lines (endpoint executing, status set) stay below its levels.
            Assert.DoesNotContain(Events(service.Output), e => e["SourceContext"]?.ToString().StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) == true);
            var database = Assert.Single(Events(service.Output), e => e["EventId"]?["Id"]?.GetValue<int>() == 1103);
            Assert.Equal(Path.Combine(dataDirectory, "sync.db"), database["DatabasePath"]!.ToString());
            Assert.True(File.Exists(Path.Combine(dataDirectory, "encryption.key")));
            Assert.False(Directory.Exists(Path.Combine("/", relative)));
            // No configuration file watcher: it would watch the content root's whole tree, "/" included had that been the root.
            Assert.Equal(0, InotifyWatches(ServiceProcess(service.ProcessId)));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private void SkipUnlessRunnable()
    {
        if (published.SkipReason is { } reason)
        {
            Skip.Because(reason);
        }
    }

    /// <summary>The events of the service's standard output, one CLEF object per line.</summary>
    private static List<JsonObject> Events(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)).OfType<JsonObject>()];

    private async Task<ChildProcess> StartServiceAsync(string dataDirectory, int port, int? management = null, string? workingDirectory = null)
    {
        var environment = Environment(port, dataDirectory);
        environment["Metrics__Urls"] = management is { } p ? $"http://127.0.0.1:{p}" : "";
        var service = ChildProcess.Start(
            "runuser", ["-u", PublishedAppFixture.RunAs, "--", "dotnet", Path.Combine(published.AppDirectory, "Bitrix24OfflineSync.dll")], workingDirectory ?? published.AppDirectory, environment);
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

    /// <summary>The service itself: runuser's child.</summary>
    private static int ServiceProcess(int runuser) =>
        int.Parse(File.ReadAllText($"/proc/{runuser}/task/{runuser}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Single(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The inotify watches a process holds (each a "inotify wd:" line of its inotify descriptors' fdinfo).</summary>
    private static int InotifyWatches(int pid) => Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd")
        .Where(fd => new FileInfo(fd).LinkTarget == "anon_inode:inotify")
        .Sum(fd => File.ReadLines($"/proc/{pid}/fdinfo/{Path.GetFileName(fd)}").Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal)));

    /// <summary>A folder only the service's user may write, like the image's /data.</summary>
    private async Task<string> OwnedDataDirectoryAsync(string? path = null)
    {
        path ??= Path.Combine(published.Root, "data-" + Guid.NewGuid().ToString("N"));
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
