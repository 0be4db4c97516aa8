using System.Text.RegularExpressions;

namespace Bitrix24OfflineSync.Tests.Architecture;

/// <summary>
/// Reads the service's sources and holds the arrows of docs/architecture.md: which feature folder may use which, no
/// two-way pairs, no feature in Persistence, no storage provider's type outside it.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Hosting"] = ["*"],
        ["Operations"] = ["Hosting", "Bitrix", "Portals", "Registration", "Sync", "Sinks", "Writes", "Persistence", "Security"],
        ["Writes"] = ["Sync", "Bitrix", "Portals", "Sinks", "Persistence", "Telemetry"],
        ["Webhooks"] = ["Registration", "Portals", "Bitrix", "Sinks", "Security", "Persistence", "Telemetry"],
        ["Registration"] = ["Bitrix", "Portals"],
        ["Sync"] = ["Bitrix", "Portals", "Sinks", "Persistence", "Telemetry"],
        ["Sinks"] = ["Persistence", "Telemetry"],
        ["Bitrix"] = ["Portals", "Persistence", "Telemetry"],
        ["Portals"] = ["Security", "Persistence"],
        ["Security"] = ["Persistence"],
        ["Persistence"] = [],
        ["Telemetry"] = [],
    };

    private static readonly Lazy<IReadOnlyList<SourceFile>> Sources = new(Load);

    [Fact]
    public void EveryFeatureFolder_UsesOnlyTheFoldersItMay()
    {
        var wrong = Sources.Value
            .SelectMany(f => f.Uses.Where(u => !Allowed[f.Folder].Contains("*") && !Allowed[f.Folder].Contains(u)).Select(u => $"{f.Path} uses {u}"))
            .ToList();

        Assert.True(wrong.Count == 0, "Arrows not allowed by docs/architecture.md:\n" + string.Join('\n', wrong));
    }

    [Fact]
    public void NoTwoFeatureFolders_UseEachOther()
    {
        var arrows = Sources.Value.SelectMany(f => f.Uses.Select(u => (From: f.Folder, To: u))).ToHashSet();

        var pairs = arrows.Where(a => string.CompareOrdinal(a.From, a.To) < 0 && arrows.Contains((a.To, a.From))).Select(a => $"{a.From} <-> {a.To}").ToList();

        Assert.True(pairs.Count == 0, "Two-way pairs:\n" + string.Join('\n', pairs));
    }

    [Fact]
    public void StorageProviderTypes_AppearOnlyInPersistence()
    {
        var leaks = Sources.Value
            .Where(f => f.Folder != "Persistence" && ProviderType().IsMatch(f.Text))
            .Select(f => $"{f.Path}: {ProviderType().Match(f.Text).Value}")
            .ToList();

        Assert.True(leaks.Count == 0, "Provider types outside Persistence:\n" + string.Join('\n', leaks));
    }

    [Fact]
    public void TheSubfoldersOfEachFolder_UseEachOtherOneWayOnly()
    {
        var found = Sources.Value.GroupBy(f => f.Folder).SelectMany(folder => Cycles(SubfolderArrows(folder)).Select(c => $"{folder.Key}: {c}")).ToList();

        Assert.True(found.Count == 0, "Subfolders that use each other (docs/architecture.md):\n" + string.Join('\n', found));
    }

    [Theory]
    [InlineData("Drain>Passes Passes>Drain", "Drain -> Passes -> Drain")]
    [InlineData("Fetching>Mapping Mapping>Model Model>Fetching Drain>Model", "Fetching -> Mapping -> Model -> Fetching")]
    [InlineData("Drain>Model Passes>Model Drain>Turns Passes>Turns Turns>Model", "")]
    public void TheSubfolderCheck_FindsATwoWayPairAndALongerCycle(string arrows, string expected)
    {
        var graph = arrows.Split(' ').Select(a => a.Split('>')).Select(a => (From: a[0], To: a[1])).ToHashSet();

        Assert.Equal(expected, string.Join("; ", Cycles(graph)));
    }

    [Fact]
    public void TheFolderTable_CoversEveryFolder()
    {
        Assert.Equal(Allowed.Keys.Order(), Sources.Value.Select(f => f.Folder).Distinct().Order());
    }

    /// <summary>
    /// The arrows between the subfolders of one folder: a file in Sync/Drain that uses the namespace of Sync/Passes (a
    /// using, or a name qualified with it). Files at the folder's root are its composition (registration, options,
    /// metrics), which may use every subfolder, so they are no node.
    /// </summary>
    private static HashSet<(string From, string To)> SubfolderArrows(IGrouping<string, SourceFile> folder)
    {
        var subfolders = folder.Select(f => f.Subfolder).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return folder.Where(f => f.Subfolder is not null)
            .SelectMany(f => SubfolderReference().Matches(f.Text)
                .Select(m => (Folder: m.Groups["folder"].Value, Sub: m.Groups["sub"].Value))
                .Where(m => m.Folder == folder.Key && m.Sub != f.Subfolder && subfolders.Contains(m.Sub))
                .Select(m => (From: f.Subfolder!, To: m.Sub)))
            .ToHashSet();
    }

    /// <summary>Each cycle of the graph once, as "A -> B -> A", starting from its smallest node: a two-way pair is a cycle of two.</summary>
    private static List<string> Cycles(HashSet<(string From, string To)> arrows)
    {
        var next = arrows.GroupBy(a => a.From).ToDictionary(g => g.Key, g => g.Select(a => a.To).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var cycles = new List<string>();
        foreach (var start in next.Keys.Order(StringComparer.Ordinal))
        {
            Walk([start]);

            void Walk(List<string> path)
            {
                foreach (var to in next.GetValueOrDefault(path[^1]) ?? [])
                {
                    if (to == start)
                    {
                        cycles.Add(string.Join(" -> ", path.Append(start)));
                    }
                    else if (string.CompareOrdinal(to, start) > 0 && !path.Contains(to))
                    {
                        Walk([.. path, to]);
                    }
                }
            }
        }

        return cycles;
    }

    private static List<SourceFile> Load()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Bitrix24OfflineSync.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var source = Path.Combine(root.FullName, "src", "Bitrix24OfflineSync");
        var files = new List<SourceFile>();
        foreach (var path in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, path).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal) || !relative.Contains('/', StringComparison.Ordinal))
            {
                // Program.cs at the root is the entry point, not a feature.
                continue;
            }

            var parts = relative.Split('/');
            var folder = parts[0];
            var subfolder = parts.Length > 2 ? parts[1] : null;
            var text = File.ReadAllText(path);
            var uses = FolderReference().Matches(text).Select(m => m.Groups["folder"].Value)
                .Where(u => u != folder && Allowed.ContainsKey(u))
                .ToHashSet(StringComparer.Ordinal);
            files.Add(new SourceFile(relative, folder, subfolder, text, uses));
        }

        return files;
    }

    /// <summary>A using of a folder's namespace, or a name qualified with it (from the root namespace or below it).</summary>
    [GeneratedRegex(@"(?:\bBitrix24OfflineSync\.|(?<![\w.])global::Bitrix24OfflineSync\.|(?<![\w.""]))(?<folder>Hosting|Operations|Webhooks|Registration|Sync|Sinks|Bitrix|Portals|Security|Persistence)\.(?=[A-Z])|using\s+Bitrix24OfflineSync\.(?<folder>\w+)")]
    private static partial Regex FolderReference();

    [GeneratedRegex(@"\b(?:Sqlite|Npgsql)[A-Z]\w*|Microsoft\.Data\.Sqlite|\bNpgsql\b")]
    private static partial Regex ProviderType();

    /// <summary>A using of a subfolder's namespace, or a name qualified with it.</summary>
    [GeneratedRegex(@"\bBitrix24OfflineSync\.(?<folder>\w+)\.(?<sub>[A-Z]\w*)\b(?=\s*;|\.[A-Z])")]
    private static partial Regex SubfolderReference();

    private sealed record SourceFile(string Path, string Folder, string? Subfolder, string Text, IReadOnlySet<string> Uses);
}
