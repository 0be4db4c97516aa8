using System.Text.RegularExpressions;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Deployment;

/// <summary>
/// <c>deploy/systemd/b24sync.service</c>: read as systemd reads a unit (sections of keys, a key given again adding to
/// its list), it holds the sandbox a network service is given, its paths are the README's, and its environment file
/// names settings the service has. <c>systemd-analyze verify</c> checks it where systemd is installed.
/// </summary>
public sealed partial class SystemdUnitTests
{
    private static readonly Dictionary<string, Dictionary<string, List<string>>> Unit = Read(Repository.File("deploy/systemd/b24sync.service"));

    private static Dictionary<string, List<string>> Service => Unit["Service"];

    [Fact]
    public void TheUnit_RunsTheServiceFromItsFolder_AsItsOwnUser_WithItsEnvironmentFile()
    {
        var start = Assert.Single(Service["ExecStart"]).Split(' ');

        Assert.Equal("/usr/bin/dotnet", start[0]);
        Assert.Equal(Assert.Single(Service["WorkingDirectory"]), Path.GetDirectoryName(start[1]));
        Assert.Equal("Bitrix24OfflineSync.dll", Path.GetFileName(start[1]));
        Assert.Equal("/etc/b24sync/b24sync.env", Assert.Single(Service["EnvironmentFile"]));
        Assert.Equal("b24sync", Assert.Single(Service["User"]));
        Assert.Equal("multi-user.target", Assert.Single(Unit["Install"]["WantedBy"]));
        Assert.Contains("Storage__DataDirectory=/var/lib/b24sync", Service["Environment"]);
    }

    [Fact]
    public void TheUnit_IsSandboxed_AndMayWriteItsDataFolderOnly()
    {
        var expected = new Dictionary<string, string>
        {
            ["NoNewPrivileges"] = "yes",
            ["ProtectSystem"] = "strict",
            ["ReadWritePaths"] = "/var/lib/b24sync",
            ["StateDirectory"] = "b24sync",
            ["PrivateTmp"] = "yes",
            ["PrivateDevices"] = "yes",
            ["ProtectHome"] = "yes",
            ["ProtectKernelTunables"] = "yes",
            ["ProtectKernelModules"] = "yes",
            ["ProtectControlGroups"] = "yes",
            ["RestrictNamespaces"] = "yes",
            ["RestrictSUIDSGID"] = "yes",
            ["LockPersonality"] = "yes",
            ["CapabilityBoundingSet"] = "",
            ["SystemCallFilter"] = "@system-service",
            ["SystemCallArchitectures"] = "native",
            ["UMask"] = "0077",
        };

        foreach (var (key, value) in expected)
        {
            Assert.True(Service.TryGetValue(key, out var values), $"{key} is not set");
            Assert.Equal(value, Assert.Single(values));
        }

        Assert.Equal(["AF_INET", "AF_INET6", "AF_NETLINK", "AF_UNIX"], Assert.Single(Service["RestrictAddressFamilies"]).Split(' ').Order());
        // The data folder systemd makes (StateDirectory=) is the one the service writes and the one it may write.
        Assert.Equal("/var/lib/" + Service["StateDirectory"][0], Service["ReadWritePaths"][0]);
    }

    [Fact]
    public void ThePathsOfTheUnit_AreTheReadmes()
    {
        var readme = File.ReadAllText(Repository.File("README.md"));
        var folder = Service["WorkingDirectory"][0];

        Assert.Contains($"dotnet publish src/Bitrix24OfflineSync -c Release -o {folder}", readme, StringComparison.Ordinal);
        Assert.Contains($"useradd --system --home-dir {Service["ReadWritePaths"][0]} --shell /usr/sbin/nologin {Service["User"][0]}", readme, StringComparison.Ordinal);
        Assert.Contains($"install -m 600 deploy/systemd/b24sync.env {Service["EnvironmentFile"][0]}", readme, StringComparison.Ordinal);
        Assert.Contains($"dotnet {folder}/Bitrix24OfflineSync.dll key new >> {Service["EnvironmentFile"][0]}", readme, StringComparison.Ordinal);
        Assert.Contains("cp deploy/systemd/b24sync.service /etc/systemd/system/", readme, StringComparison.Ordinal);
        Assert.Contains($"{Service["ReadWritePaths"][0]}/encryption.key", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void TheEnvironmentFile_NamesOnlySettingsTheConfigurationPageDocuments()
    {
        var documented = File.ReadAllText(Repository.File("docs/configuration.md"));
        var keys = File.ReadLines(Repository.File("deploy/systemd/b24sync.env"))
            .Select(l => EnvironmentKey().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .ToList();

        Assert.Contains("Bitrix24__ClientSecret", keys);
        Assert.All(keys, k => Assert.Contains($"`{k}`", documented, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SystemdAnalyzeVerify_FindsNothingToSay()
    {
        var analyze = File.Exists("/usr/bin/systemd-analyze") ? "/usr/bin/systemd-analyze" : null;
        if (analyze is null)
        {
            Skip.Because("systemd-analyze is not installed (package systemd)");
        }

        if (!File.Exists(Service["ExecStart"][0].Split(' ')[0]))
        {
            Skip.Because($"{Service["ExecStart"][0].Split(' ')[0]} does not exist here, and verify requires the unit's program");
        }

        var (exitCode, output) = await ChildProcess.RunAsync(analyze, ["verify", Repository.File("deploy/systemd/b24sync.service")], Repository.Root, null, TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0, output);
        // Unknown keys and values systemd would ignore are warnings: the unit must have none.
        Assert.True(output.Trim().Length == 0, output);
    }

    /// <summary>A unit file: [Section] headers, Key=value lines (a key given again adds to its list), # and ; comments.</summary>
    private static Dictionary<string, Dictionary<string, List<string>>> Read(string path)
    {
        var unit = new Dictionary<string, Dictionary<string, List<string>>>(StringComparer.Ordinal);
        Dictionary<string, List<string>>? section = null;
        foreach (var line in File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] is not ('#' or ';')))
        {
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = unit[line[1..^1]] = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(section is not null && equals > 0, $"not a key in a section: {line}");
            var key = line[..equals];
            section[key] = section.GetValueOrDefault(key) ?? [];
            section[key].Add(line[(equals + 1)..]);
        }

        return unit;
    }

    /// <summary>KEY=value, or a commented-out # KEY=value example: both must be settings the service reads.</summary>
    [GeneratedRegex(@"^#?\s*([A-Za-z0-9]+__[A-Za-z0-9_]+)=")]
    private static partial Regex EnvironmentKey();
}
