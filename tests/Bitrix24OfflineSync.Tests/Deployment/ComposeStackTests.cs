using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Operations;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Deployment;

/// <summary>
/// <c>deploy/compose.yaml</c> and the files it mounts: checked by <c>docker-compose config</c> where the tool is
/// installed (it needs no Docker daemon for that), and read here for what the tool cannot know: that every file it
/// mounts is in the repository, and that every name the mounted configurations reach (Prometheus's scrape target,
/// Grafana's data source, nginx's upstream, the service's database) is a service on a network the two share.
/// </summary>
public sealed partial class ComposeStackTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static string Deploy => Repository.File("deploy");

    private static ComposeFile Stack => ComposeFile.Read(Path.Combine(Deploy, "compose.yaml"));

    [Fact]
    public async Task TheComposeCheck_PassesWithTheExampleSettingsAndAKeyFromTheKeyVerb()
    {
        var (exitCode, output) = await ComposeConfigAsync(withKey: true);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Storage__Provider: Postgres", output, StringComparison.Ordinal);
        Assert.Contains("Bitrix24__PublicUrl: https://sync.example.com", output, StringComparison.Ordinal);
        Assert.Matches(@"Storage__EncryptionKey: [A-Za-z0-9+/]{43}=", output);
        foreach (var service in new[] { "b24sync", "postgres", "nginx", "prometheus", "grafana" })
        {
            Assert.Contains($"\n  {service}:\n", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheComposeCheck_WithoutTheKey_FailsNamingTheSettingAndHowToMakeIt()
    {
        var (exitCode, output) = await ComposeConfigAsync(withKey: false);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("set Storage__EncryptionKey in deploy/.env", output, StringComparison.Ordinal);
        Assert.Contains("key new", output, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryFileTheStackMounts_IsInTheRepository_AndTheCertificatesAreKeptOutOfGit()
    {
        var stack = Stack;
        var binds = stack.Services.Values.SelectMany(s => s.Mounts.Where(m => m.IsBind).Select(m => (Service: s.Name, Mount: m))).ToList();
        var named = stack.Services.Values.SelectMany(s => s.Mounts.Where(m => !m.IsBind).Select(m => m.Source)).Distinct().ToList();

        Assert.NotEmpty(binds);
        foreach (var (service, mount) in binds)
        {
            var path = Path.GetFullPath(Path.Combine(Deploy, mount.Source));
            if (mount.Variable == "B24SYNC_CERTIFICATES")
            {
                // The operator's certificate: a folder of the checkout that git ignores.
                Assert.Contains("deploy/nginx/certs/", File.ReadAllLines(Repository.File(".gitignore")));
                Assert.Equal(Repository.File("deploy/nginx/certs"), path);
                continue;
            }

            Assert.True(File.Exists(path), $"{service} mounts {mount.Source}, which is not in the repository");
        }

        Assert.Equal(named.Order(), stack.Volumes.Order());
        Assert.True(File.Exists(Repository.File("Dockerfile")), "the service is built from the repository's Dockerfile");
        Assert.Contains("deploy/.env", File.ReadAllLines(Repository.File(".gitignore")));
    }

    [Fact]
    public void EveryNameTheMountedConfigurationsReach_IsAServiceOnANetworkTheyShare()
    {
        var stack = Stack;
        var exposed = Regex.Match(File.ReadAllText(Repository.File("Dockerfile")), @"^EXPOSE (.+)$", RegexOptions.Multiline).Groups[1].Value.Split(' ');
        var prometheus = Uncommented("prometheus/prometheus.yml");
        var nginx = Uncommented("nginx/b24sync.conf");
        var datasource = Uncommented("grafana/provisioning/datasources/prometheus.yml");
        var dashboards = Uncommented("grafana/provisioning/dashboards/b24sync.yml");

        // Prometheus scrapes the service's management address and loads the rules beside its configuration.
        var targets = ScrapeTargets().Matches(prometheus).SelectMany(m => m.Groups[1].Value.Split(',')).Select(t => t.Trim(' ', '"', '\'')).ToList();
        Assert.Equal(["b24sync:9464"], targets);
        AssertReaches(stack, "prometheus", targets[0], exposed);
        var configuration = Assert.Single(stack.Services["prometheus"].Mounts, m => m.Source == "./prometheus/prometheus.yml");
        foreach (var rules in RuleFiles().Matches(prometheus).Select(m => m.Groups[1].Value))
        {
            var mounted = Assert.Single(stack.Services["prometheus"].Mounts, m => m.Target == Path.Combine(Path.GetDirectoryName(configuration.Target)!, rules));
            Assert.True(File.Exists(Path.Combine(Deploy, mounted.Source)), mounted.Source);
        }

        // nginx forwards to the service's public port, never to its management address.
        var upstream = Assert.Single(ProxyPass().Matches(nginx)).Groups[1].Value;
        AssertReaches(stack, "nginx", upstream, exposed);
        Assert.DoesNotContain(":9464", nginx, StringComparison.Ordinal);
        Assert.Contains(stack.Services["nginx"].Mounts, m => m.Target == "/etc/nginx/conf.d/default.conf" && m.Source == "./nginx/b24sync.conf");
        foreach (var certificate in Regex.Matches(nginx, @"ssl_certificate(?:_key)?\s+(\S+);").Select(m => m.Groups[1].Value))
        {
            Assert.Contains(stack.Services["nginx"].Mounts, m => certificate.StartsWith(m.Target + "/", StringComparison.Ordinal));
        }

        // Grafana reads Prometheus, and the dashboard from the folder its provider names.
        var url = new Uri(Regex.Match(datasource, @"url:\s*(\S+)").Groups[1].Value);
        Assert.Equal("prometheus", url.Host);
        Assert.True(stack.ShareANetwork("grafana", "prometheus"), "grafana and prometheus share a network");
        var folder = Regex.Match(dashboards, @"path:\s*(\S+)").Groups[1].Value;
        var dashboard = Assert.Single(stack.Services["grafana"].Mounts, m => m.Target.StartsWith(folder + "/", StringComparison.Ordinal));
        Assert.Equal("./grafana/b24sync-dashboard.json", dashboard.Source);
        Assert.Contains(stack.Services["grafana"].Mounts, m => m.Target.StartsWith("/etc/grafana/provisioning/datasources/", StringComparison.Ordinal));
        Assert.Contains(stack.Services["grafana"].Mounts, m => m.Target.StartsWith("/etc/grafana/provisioning/dashboards/", StringComparison.Ordinal));

        // The service's database, and the network whose forwarded headers it believes: nginx's alone.
        Assert.Contains("Host=postgres;", stack.Services["b24sync"].Environment["ConnectionStrings__Sync"], StringComparison.Ordinal);
        Assert.True(stack.ShareANetwork("b24sync", "postgres"), "b24sync and postgres share a network");
        var edge = Assert.Single(stack.Services["nginx"].Networks);
        Assert.Equal(["b24sync", "nginx"], stack.Services.Values.Where(s => s.Networks.Contains(edge)).Select(s => s.Name).Order());
        Assert.Equal(stack.Networks.Order(), stack.Services.Values.SelectMany(s => s.Networks).Distinct().Order());
    }

    /// <summary>"host:port" names a service that shares a network with <paramref name="from"/>, on a port its image exposes.</summary>
    private static void AssertReaches(ComposeFile stack, string from, string hostAndPort, string[] exposed)
    {
        var (host, port) = (hostAndPort.Split(':')[0], hostAndPort.Split(':')[1]);
        Assert.True(stack.Services.ContainsKey(host), $"{from} reaches {host}, which is no service of the stack");
        Assert.True(stack.ShareANetwork(from, host), $"{from} and {host} share no network");
        Assert.Contains(port, exposed);
    }

    /// <summary>A file of deploy/ without its comment lines: what the program reading it sees.</summary>
    private static string Uncommented(string relative) =>
        string.Join('\n', File.ReadLines(Path.Combine(Deploy, relative)).Where(l => !l.TrimStart().StartsWith('#')));

    private static string DockerCompose()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/local/bin")
            .Select(d => Path.Combine(d, "docker-compose")).FirstOrDefault(File.Exists);
        if (found is null)
        {
            Skip.Because("docker-compose is not installed (apt-get install --no-install-recommends docker-compose; .ci/run installs it)");
        }

        return found;
    }

    /// <summary>
    /// <c>docker-compose config</c> with deploy/example.env as the README has it filled: copied, and (with
    /// <paramref name="withKey"/>) the key new verb's line appended.
    /// </summary>
    private static async Task<(int ExitCode, string Output)> ComposeConfigAsync(bool withKey)
    {
        var compose = DockerCompose();
        var env = Path.Combine(Path.GetTempPath(), "b24sync-compose-" + Guid.NewGuid().ToString("N") + ".env");
        File.Copy(Path.Combine(Deploy, "example.env"), env);
        try
        {
            if (withKey)
            {
                using var key = new StringWriter();
                Assert.Equal(OperatorCommands.Done, await KeyCommand.RunAsync(["key", "new"], key, TextWriter.Null));
                await File.AppendAllTextAsync(env, key.ToString(), TestContext.Current.CancellationToken);
            }

            return await ChildProcess.RunAsync(compose, ["--env-file", env, "-f", Path.Combine(Deploy, "compose.yaml"), "config"], Deploy, null, Limit);
        }
        finally
        {
            File.Delete(env);
        }
    }

    [GeneratedRegex(@"targets:\s*\[([^\]]*)\]")]
    private static partial Regex ScrapeTargets();

    [GeneratedRegex(@"^\s+-\s*(\S+\.yml)\s*$", RegexOptions.Multiline)]
    private static partial Regex RuleFiles();

    [GeneratedRegex(@"proxy_pass\s+http://([^;/]+);")]
    private static partial Regex ProxyPass();
}
