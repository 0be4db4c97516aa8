using System.Text.RegularExpressions;

namespace Bitrix24OfflineSync.Tests.Deployment;

/// <summary>
/// <c>deploy/compose.yaml</c> read as the stack's tests need it: each service's networks, bind mounts (source in the
/// repository, target in the container), named volumes and environment. A reader of that one file's layout (two-space
/// indents, lists of scalars), not of YAML at large: a line it cannot place fails the test that reads it.
/// </summary>
internal sealed partial class ComposeFile
{
    private ComposeFile(Dictionary<string, ComposeService> services, List<string> volumes, List<string> networks)
    {
        Services = services;
        Volumes = volumes;
        Networks = networks;
    }

    public IReadOnlyDictionary<string, ComposeService> Services { get; }

    /// <summary>The named volumes declared at the top.</summary>
    public IReadOnlyList<string> Volumes { get; }

    /// <summary>The networks declared at the top.</summary>
    public IReadOnlyList<string> Networks { get; }

    public static ComposeFile Read(string path)
    {
        var services = new Dictionary<string, ComposeService>(StringComparer.Ordinal);
        var (volumes, networks) = (new List<string>(), new List<string>());
        string? section = null, service = null, key = null;
        foreach (var raw in File.ReadLines(path))
        {
            if (raw.TrimStart().StartsWith('#') || raw.Trim().Length == 0)
            {
                continue;
            }

            var indent = raw.Length - raw.TrimStart().Length;
            var line = raw.Trim();
            switch (indent)
            {
                case 0:
                    section = line.TrimEnd(':');
                    break;
                case 2 when section == "services":
                    service = line.TrimEnd(':');
                    services[service] = new ComposeService(service);
                    break;
                case 2 when section == "volumes":
                    volumes.Add(line.Split(':')[0]);
                    break;
                case 2 when section == "networks":
                    networks.Add(line.Split(':')[0]);
                    break;
                case 4 when section == "services":
                    key = line.Split(':')[0];
                    break;
                case 6 when section == "services" && key == "networks":
                    services[service!].Networks.Add(line.TrimStart('-', ' '));
                    break;
                case 6 when section == "services" && key == "volumes":
                    services[service!].Mounts.Add(Mount(line.TrimStart('-', ' ')));
                    break;
                case 6 when section == "services" && key == "environment":
                    services[service!].Environment[line[..line.IndexOf(':', StringComparison.Ordinal)]] = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                    break;
                default:
                    // Other keys (healthcheck, ports, ...) and their contents are not read.
                    break;
            }
        }

        return new ComposeFile(services, volumes, networks);
    }

    /// <summary>True when the two services are on one network: one can reach the other by its name.</summary>
    public bool ShareANetwork(string one, string other) => Services[one].Networks.Intersect(Services[other].Networks).Any();

    /// <summary><c>source:target[:mode]</c>, where the source may be <c>${VAR:-default}</c> (its default is taken).</summary>
    private static ComposeMount Mount(string spec)
    {
        var variable = Variable().Match(spec);
        var source = variable.Success ? variable.Groups["default"].Value : spec.Split(':')[0];
        var rest = (variable.Success ? spec[variable.Length..] : spec[source.Length..]).TrimStart(':').Split(':');
        return new ComposeMount(source, rest[0], variable.Success ? variable.Groups["name"].Value : null);
    }

    [GeneratedRegex(@"^\$\{(?<name>\w+):-(?<default>[^}]+)\}")]
    private static partial Regex Variable();
}

internal sealed record ComposeService(string Name)
{
    public List<string> Networks { get; } = [];

    public List<ComposeMount> Mounts { get; } = [];

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);
}

/// <summary>A mount: a path of the repository (<c>./...</c>, relative to deploy/) or a named volume, and where it appears.</summary>
internal sealed record ComposeMount(string Source, string Target, string? Variable)
{
    public bool IsBind => Source.StartsWith("./", StringComparison.Ordinal) || Source.StartsWith("../", StringComparison.Ordinal);
}
