using System.Diagnostics.CodeAnalysis;

namespace Bitrix24OfflineSync.TestKit;

/// <summary>
/// Every test that cannot run here skips through this, so that its reason shows at <c>dotnet test</c>'s default
/// verbosity: the runner prints a skipped test's reason only at a more detailed one, but its warnings at every one.
/// </summary>
public static class Skip
{
    [DoesNotReturn]
    public static void Because(string reason)
    {
        TestContext.Current.AddWarning(reason);
        Assert.Skip(reason);
    }
}
