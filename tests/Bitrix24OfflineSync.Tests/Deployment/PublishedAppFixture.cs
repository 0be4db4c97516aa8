using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Deployment;

/// <summary>
/// Builds the service as the image does, once per test class: the build stage of the repository's Dockerfile is
/// replayed on this machine (its COPY lines into a fresh context folder, its <c>RUN dotnet ...</c> lines there, with
/// <c>/app</c> replaced by a temp folder), and the published folder is made read-only, as the image's root filesystem.
/// Skipped, with the reason, where the tests cannot run as a non-root user (not root, or no runuser).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed partial class PublishedAppFixture : IAsyncLifetime
{
    public const string RunAs = "nobody";
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(8);

    public string? SkipReason { get; private set; }

    /// <summary>World-readable, owned by root: the non-root user can read but not write anything under it.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "b24sync-publish-" + Guid.NewGuid().ToString("N"));

    public string AppDirectory => Path.Combine(Root, "app");

    public async ValueTask InitializeAsync()
    {
        SkipReason = WhyNotRunnable();
        if (SkipReason is not null)
        {
            return;
        }

        var context = Path.Combine(Root, "context");
        Directory.CreateDirectory(context);
        File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (var instruction in BuildStage(File.ReadAllText(Repository.File("Dockerfile"))))
        {
            if (instruction.StartsWith("COPY ", StringComparison.Ordinal))
            {
                var parts = instruction.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
                foreach (var source in parts[..^1])
                {
                    Copy(source, Path.Combine(context, parts[^1]));
                }
            }
            else if (instruction.StartsWith("RUN dotnet ", StringComparison.Ordinal))
            {
                var arguments = instruction.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2..]
                    .Select(a => a == "/app" ? AppDirectory : a).ToArray();
                var (exitCode, output) = await ChildProcess.RunAsync("dotnet", arguments, context, BuildEnvironment(), BuildLimit);
                if (exitCode != 0)
                {
                    throw new InvalidOperationException($"{instruction} failed ({exitCode}):\n{output}");
                }
            }
        }

        // As in the image: the app's files cannot be changed by the user it runs as.
        foreach (var file in Directory.EnumerateFiles(AppDirectory, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    private static string? WhyNotRunnable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the published-output tests run on Linux only";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "the published-output tests must run as root to start the service as the unprivileged user 'nobody'";
        }

        return File.Exists("/usr/sbin/runuser") || File.Exists("/sbin/runuser") || File.Exists("/usr/bin/runuser")
            ? null
            : "runuser (util-linux) is missing; it starts the service as the unprivileged user 'nobody'";
    }

    /// <summary>The build stage's instructions: from the first FROM to the next, continuation lines joined.</summary>
    private static IEnumerable<string> BuildStage(string dockerfile)
    {
        var joined = dockerfile.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var from = joined.FindIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var next = joined.FindIndex(from + 1, l => l.StartsWith("FROM ", StringComparison.Ordinal));
        return joined[(from + 1)..next].Select(l => Spaces().Replace(l, " "));
    }

    /// <summary>Docker's COPY: a file lands in a destination folder, a folder's contents do; bin/ and obj/ are ignored as in .dockerignore.</summary>
    private static void Copy(string source, string destination)
    {
        var from = Path.Combine(Repository.Root, source.TrimEnd('/'));
        if (File.Exists(from))
        {
            Directory.CreateDirectory(destination);
            File.Copy(from, Path.Combine(destination, Path.GetFileName(from)), overwrite: true);
            return;
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj")
            {
                continue;
            }

            var target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private static Dictionary<string, string?> BuildEnvironment() => new()
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        // No build node or compiler server may outlive the test run.
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["UseSharedCompilation"] = "false",
    };

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
