using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Architecture;

/// <summary>A test that cannot run here says why at <c>dotnet test</c>'s default verbosity: it skips through <c>Skip.Because</c>.</summary>
public sealed partial class SkipReasonTests
{
    [Fact]
    public void EveryTestThatSkips_SkipsThroughSkipBecause()
    {
        var tests = Repository.File("tests");
        var direct = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => Path.GetFileName(f) != "Skip.cs")
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => DirectSkip().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(tests, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(direct.Count == 0, "Skips whose reason the default verbosity hides (use Skip.Because):\n" + string.Join('\n', direct));
    }

    [GeneratedRegex(@"Assert\.Skip(When|Unless)?\(|\bSkip\s*=\s*""")]
    private static partial Regex DirectSkip();
}
