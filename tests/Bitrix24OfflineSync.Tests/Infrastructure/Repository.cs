namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>The checkout the tests run from: files the tests read (Dockerfile, deploy/, docs/, README.md) are found from it.</summary>
public static class Repository
{
    private static readonly Lazy<string> RootFolder = new(Find);

    /// <summary>The folder holding <c>Dockerfile</c> and <c>Bitrix24OfflineSync.sln</c>, above the test binaries.</summary>
    public static string Root => RootFolder.Value;

    /// <summary>A path under the root, given with forward slashes.</summary>
    public static string File(string relative) => Path.Combine([Root, .. relative.Split('/')]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "Dockerfile")) && System.IO.File.Exists(Path.Combine(directory.FullName, "Bitrix24OfflineSync.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with Dockerfile and Bitrix24OfflineSync.sln) was not found above the test binaries.");
    }
}
