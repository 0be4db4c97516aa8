using Xunit.Sdk;

namespace Bitrix24OfflineSync.TestKit;

/// <summary>
/// Every wait of a test: polls a condition until it holds, or awaits a signal, and fails the test with a message naming
/// what never happened when that takes longer than the limit, so that a broken expectation reads as a failure instead
/// of a hung run.
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
                throw GaveUp(timeLimit, what);
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
            catch (XunitException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }
    }

    /// <summary>Awaits a signal that cannot be cancelled, such as a <see cref="TaskCompletionSource"/>'s task.</summary>
    public static Task ForAsync(Task signal, string what, TimeSpan? limit = null) =>
        ForAsync(signal.WaitAsync, what, limit);

    /// <summary>
    /// Awaits a signal, cancelling it at the limit: a wait that takes something when it completes (a channel read) must
    /// not stay pending after the test gave up on it.
    /// </summary>
    public static async Task ForAsync(Func<CancellationToken, Task> signal, string what, TimeSpan? limit = null) =>
        await ForAsync(
            async cancellationToken =>
            {
                await signal(cancellationToken);
                return true;
            },
            what,
            limit);

    /// <inheritdoc cref="ForAsync(Func{CancellationToken, Task}, string, TimeSpan?)"/>
    public static async Task<T> ForAsync<T>(Func<CancellationToken, Task<T>> signal, string what, TimeSpan? limit = null)
    {
        var timeLimit = limit ?? DefaultLimit;
        var testEnded = TestContext.Current.CancellationToken;
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(testEnded);
        giveUp.CancelAfter(timeLimit);
        try
        {
            return await signal(giveUp.Token);
        }
        catch (OperationCanceledException) when (giveUp.IsCancellationRequested && !testEnded.IsCancellationRequested)
        {
            throw GaveUp(timeLimit, what);
        }
    }

    /// <summary>Blocks until a signal completes: for the synchronous callbacks of the code under test, which cannot await.</summary>
    public static void For(Task signal, string what, TimeSpan? limit = null)
    {
        var timeLimit = limit ?? DefaultLimit;
        if (!signal.Wait(timeLimit, TestContext.Current.CancellationToken))
        {
            throw GaveUp(timeLimit, what);
        }
    }

    private static FailException GaveUp(TimeSpan limit, string what) =>
        FailException.ForFailure($"Gave up after {limit.TotalSeconds:0.###} s waiting until {what}.");
}
