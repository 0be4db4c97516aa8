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
    public void TheFolderTable_CoversEveryFolder()
    {
        Assert.Equal(Allowed.Keys.Order(), Sources.Value.Select(f => f.Folder).Distinct().Order());
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

            var folder = relative[..relative.IndexOf('/', StringComparison.Ordinal)];
            var text = File.ReadAllText(path);
            var uses = FolderReference().Matches(text).Select(m => m.Groups["folder"].Value)
                .Where(u => u != folder && Allowed.ContainsKey(u))
                .ToHashSet(StringComparer.Ordinal);
            files.Add(new SourceFile(relative, folder, text, uses));
        }

        return files;
    }

    /// <summary>A using of a folder's namespace, or a name qualified with it (from the root namespace or below it).</summary>
    [GeneratedRegex(@"(?:\bBitrix24OfflineSync\.|(?<![\w.])global::Bitrix24OfflineSync\.|(?<![\w.""]))(?<folder>Hosting|Operations|Webhooks|Registration|Sync|Sinks|Bitrix|Portals|Security|Persistence)\.(?=[A-Z])|using\s+Bitrix24OfflineSync\.(?<folder>\w+)")]
    private static partial Regex FolderReference();

    [GeneratedRegex(@"\b(?:Sqlite|Npgsql)[A-Z]\w*|Microsoft\.Data\.Sqlite|\bNpgsql\b")]
    private static partial Regex ProviderType();

    private sealed record SourceFile(string Path, string Folder, string Text, IReadOnlySet<string> Uses);
}
