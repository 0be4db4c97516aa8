using System.Net;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Emulator;

public sealed class OperatingTimeLimitTests
{
    private const string Heavy = "test.heavy";

    [Fact]
    public async Task CallThatCrossesTheLimit_Succeeds_AndTheNextOneAnswers429OperationTimeLimit()
    {
        var clock = new ManualTimeProvider();
        await using var emulator = await StartAsync(clock);
        var counter = TestMethods.AddIncrement(emulator.World, Heavy);

        for (var i = 1; i <= 5; i++)
        {
            var answer = (await CallHeavyAsync(emulator)).EnsureSuccess();
            Assert.Equal(i * 100.0, answer.Body!["time"]!["operating"]!.GetValue<double>());
        }

        var blocked = await CallHeavyAsync(emulator);

        Assert.Equal((HttpStatusCode)429, blocked.Status);
        Assert.Equal("OPERATION_TIME_LIMIT", blocked.Error);
        Assert.Equal("Method is blocked due to operation time limit.", blocked.ErrorDescription);
        Assert.Equal(5, counter.Value);
        Assert.Equal(1, emulator.Portal.Stats.RejectedByOperatingLimit);
    }

    [Fact]
    public async Task AnotherMethod_KeepsWorking_WhileOneIsBlocked()
    {
        var clock = new ManualTimeProvider();
        await using var emulator = await StartAsync(clock);
        TestMethods.AddIncrement(emulator.World, Heavy);
        TestMethods.AddEcho(emulator.World);
        await BlockHeavyAsync(emulator);

        var other = await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, other.EnsureSuccess().Status);
        Assert.Equal((HttpStatusCode)429, (await CallHeavyAsync(emulator)).Status);
    }

    [Fact]
    public async Task OperatingResetAt_IsWhenTheOldestMinuteLeavesTheWindow_AndThenTheMethodWorksAgain()
    {
        var clock = new ManualTimeProvider();
        var firstMinute = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromSeconds(30));
        await using var emulator = await StartAsync(clock);
        TestMethods.AddIncrement(emulator.World, Heavy);

        var first = (await CallHeavyAsync(emulator)).EnsureSuccess();
        var resetAt = first.Body!["time"]!["operating_reset_at"]!.GetValue<long>();
        await BlockHeavyAsync(emulator);
        clock.Advance(DateTimeOffset.FromUnixTimeSeconds(resetAt) - clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        var justBefore = await CallHeavyAsync(emulator);
        clock.Advance(TimeSpan.FromSeconds(1));
        var atReset = await CallHeavyAsync(emulator);

        Assert.Equal((firstMinute + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds(), resetAt);
        Assert.Equal((HttpStatusCode)429, justBefore.Status);
        Assert.Equal(100.0, atReset.EnsureSuccess().Body!["time"]!["operating"]!.GetValue<double>());
    }

    [Fact]
    public async Task RefusedCalls_CostNoOperatingTime_SoRetryingDoesNotProlongTheBlock()
    {
        var clock = new ManualTimeProvider();
        await using var emulator = await StartAsync(clock);
        TestMethods.AddIncrement(emulator.World, Heavy);
        await BlockHeavyAsync(emulator);

        clock.Advance(TimeSpan.FromMinutes(5));
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal((HttpStatusCode)429, (await CallHeavyAsync(emulator)).Status);
        }

        clock.Advance(TimeSpan.FromMinutes(5));
        var afterWindow = await CallHeavyAsync(emulator);

        Assert.Equal(HttpStatusCode.OK, afterWindow.EnsureSuccess().Status);
    }

    [Fact]
    public async Task LimiterOff_NeverBlocks_AndTheTimeBlockHasNoOperatingFields()
    {
        await using var emulator = await EmulatorHarness.StartAsync(o => o.OperatingLimit.CostPerCall[Heavy] = TimeSpan.FromSeconds(100));
        TestMethods.AddIncrement(emulator.World, Heavy);

        for (var i = 0; i < 10; i++)
        {
            var time = (await CallHeavyAsync(emulator)).EnsureSuccess().Body!["time"]!.AsObject();
            Assert.False(time.ContainsKey("operating"));
            Assert.False(time.ContainsKey("operating_reset_at"));
        }
    }

    private static Task<EmulatorHarness> StartAsync(ManualTimeProvider clock) =>
        EmulatorHarness.StartAsync(o => Configure(o.OperatingLimit), clock);

    private static void Configure(OperatingLimitOptions limit)
    {
        limit.Enabled = true;
        limit.Limit = TimeSpan.FromSeconds(480);
        limit.CostPerCall[Heavy] = TimeSpan.FromSeconds(100);
    }

    /// <summary>Five calls of 100 s each pass 480 s; the sixth is refused.</summary>
    private static async Task BlockHeavyAsync(EmulatorHarness emulator)
    {
        for (var i = 0; i < 10; i++)
        {
            if ((await CallHeavyAsync(emulator)).Status == (HttpStatusCode)429)
            {
                return;
            }
        }

        Assert.Fail("The method was never blocked.");
    }

    private static Task<RestAnswer> CallHeavyAsync(EmulatorHarness emulator) =>
        emulator.Client.CallAsync(Heavy, cancellationToken: TestContext.Current.CancellationToken);
}
