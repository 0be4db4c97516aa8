namespace Bitrix24OfflineSync.TestKit;

/// <summary>
/// Polls a condition until it holds, and fails the test with a message naming what never happened when it does not
/// hold within the limit, so that a broken expectation reads as a failure instead of a hung run.
/// </summary>
public static class Wait
{
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(60);

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? limit = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, limit);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var timeLimit = limit ?? DefaultLimit;
        var deadline = DateTime.UtcNow + timeLimit;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"Gave up after {timeLimit.TotalSeconds:0} s waiting until {what}.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Runs an assertion until it passes; past the limit its last failure is the test's.</summary>
    public static async Task UntilPassesAsync(Func<Task> assertion, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? DefaultLimit);
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Xunit.Sdk.XunitException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }
    }
}
