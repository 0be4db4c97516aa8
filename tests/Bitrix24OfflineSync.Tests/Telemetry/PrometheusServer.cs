using System.Text.Json.Nodes;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Tests.Telemetry;

/// <summary>
/// A real Prometheus on a free loopback port, scraping one target and evaluating rule files every second, its data in
/// its own temp folder. Disposing kills it and removes the folder.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly string _directory;
    private readonly ChildProcess _process;
    private readonly HttpClient _http;

    private PrometheusServer(string directory, ChildProcess process, int port)
    {
        _directory = directory;
        _process = process;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
    }

    /// <summary>Why the Prometheus tests cannot run here, or null.</summary>
    public static string? WhyUnavailable() =>
        Find("prometheus") is null ? "prometheus is not installed (apt-get install prometheus; .ci/run installs it)"
        : Find("promtool") is null ? "promtool is not installed (it comes with the prometheus package)"
        : null;

    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/local/bin")
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    /// <summary>Starts Prometheus scraping <paramref name="target"/>'s <c>/metrics</c> as <paramref name="job"/>, and returns once it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(Uri target, string job, IEnumerable<string> ruleFiles)
    {
        var directory = Directory.CreateTempSubdirectory("b24sync-prometheus-").FullName;
        var port = MetricsKit.FreePort();
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, Configuration(target, job, ruleFiles), TestContext.Current.CancellationToken);
        var process = ChildProcess.Start(Find("prometheus")!, [
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
        ], directory);
        var server = new PrometheusServer(directory, process, port);
        try
        {
            await Wait.UntilAsync(server.IsReadyAsync, "Prometheus answers /-/ready", Limit);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>An instant query's result (<c>data.result</c>); a query Prometheus refuses fails the test with its error.</summary>
    public async Task<JsonArray> QueryAsync(string query)
    {
        var answer = await GetAsync($"api/v1/query?query={Uri.EscapeDataString(query)}");
        Assert.True(answer["status"]?.GetValue<string>() == "success", $"Prometheus refused {query}: {answer["error"]}");
        return answer["data"]?["result"] as JsonArray ?? [];
    }

    /// <summary>The rule groups Prometheus has loaded (<c>/api/v1/rules</c>, <c>data.groups</c>).</summary>
    public async Task<JsonArray> RuleGroupsAsync() => (await GetAsync("api/v1/rules"))["data"]?["groups"] as JsonArray ?? [];

    /// <summary>A GET of the HTTP API; its JSON, whatever the status (a refused query answers 400 with its error).</summary>
    public async Task<JsonObject> GetAsync(string pathAndQuery)
    {
        using var response = await _http.GetAsync(new Uri(pathAndQuery, UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonNode.Parse(body) as JsonObject ?? throw new InvalidOperationException($"GET {pathAndQuery} answered {(int)response.StatusCode}: {body}");
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS to clean with the temp folder.
        }

        return ValueTask.CompletedTask;
    }

    private async Task<bool> IsReadyAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"prometheus exited ({_process.ExitCode}):\n{_process.Output}");
        }

        try
        {
            using var response = await _http.GetAsync(new Uri("-/ready", UriKind.Relative), TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static string Configuration(Uri target, string job, IEnumerable<string> ruleFiles) =>
        $"""
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files:
        {string.Concat(ruleFiles.Select(f => $"  - '{f}'\n"))}scrape_configs:
          - job_name: {job}
            static_configs:
              - targets: ['{target.Authority}']
        """;
}
