using System.Net;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Emulator.Tests.Limits;

public sealed class LeakyBucketTests
{
    [Fact]
    public async Task Bucket_AfterABurstOf50_Answers503QueryLimitExceeded_AndDoesNotRunTheMethod()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await EmulatorHarness.StartAsync(time: clock, rateLimit: true);
        var counter = TestMethods.AddIncrement(emulator.World);

        var passed = await CallUntilRefusedAsync(emulator, 100);
        var refused = await emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(50, passed);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal("QUERY_LIMIT_EXCEEDED", refused.Error);
        Assert.Equal("Too many requests", refused.ErrorDescription);
        Assert.Equal(50, counter.Value);
        Assert.Equal(2, emulator.Portal.Stats.RejectedByLimit);
    }

    [Fact]
    public async Task Bucket_DrainsTwoRequestsPerSecond()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await EmulatorHarness.StartAsync(time: clock, rateLimit: true);
        TestMethods.AddIncrement(emulator.World);
        await CallUntilRefusedAsync(emulator, 100);

        clock.Advance(TimeSpan.FromSeconds(1));
        var afterOneSecond = await CallUntilRefusedAsync(emulator, 100);
        clock.Advance(TimeSpan.FromSeconds(10));
        var afterTenSeconds = await CallUntilRefusedAsync(emulator, 100);

        Assert.Equal(2, afterOneSecond);
        Assert.Equal(20, afterTenSeconds);
    }

    [Fact]
    public async Task Bucket_WithEnterpriseSettings_Allows250AndDrainsFivePerSecond()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await EmulatorHarness.StartAsync(
            o => (o.RateLimit.BurstLimit, o.RateLimit.DrainPerSecond) = (250, 5), clock, rateLimit: true);
        TestMethods.AddIncrement(emulator.World);

        var burst = await CallUntilRefusedAsync(emulator, 300);
        clock.Advance(TimeSpan.FromSeconds(2));
        var drained = await CallUntilRefusedAsync(emulator, 300);

        Assert.Equal(250, burst);
        Assert.Equal(10, drained);
    }

    [Fact]
    public async Task Bucket_SwitchedOff_RefusesNothing()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await EmulatorHarness.StartAsync(time: clock, rateLimit: true);
        TestMethods.AddIncrement(emulator.World);
        await CallUntilRefusedAsync(emulator, 100);

        emulator.Portal.Bucket.Configure(new LeakyBucketOptions { Enabled = false });
        var passed = await CallUntilRefusedAsync(emulator, 80);

        Assert.Equal(80, passed);
        Assert.Equal(1, emulator.Portal.Stats.RejectedByLimit);
    }

    [Fact]
    public async Task Bucket_OffInTheOptions_RefusesNothing()
    {
        await using var emulator = await EmulatorHarness.StartAsync(rateLimit: false);
        TestMethods.AddIncrement(emulator.World);

        var passed = await CallUntilRefusedAsync(emulator, 80);

        Assert.Equal(80, passed);
        Assert.Equal(0, emulator.Portal.Stats.RejectedByLimit);
    }

    /// <summary>Calls until the first refusal (which is not counted) or <paramref name="max"/> successes.</summary>
    private static async Task<int> CallUntilRefusedAsync(EmulatorHarness emulator, int max)
    {
        for (var passed = 0; passed < max; passed++)
        {
            var answer = await emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: TestContext.Current.CancellationToken);
            if (answer.Status == HttpStatusCode.ServiceUnavailable)
            {
                return passed;
            }

            answer.EnsureSuccess();
        }

        return max;
    }
}
