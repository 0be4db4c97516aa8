using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Emulator.Tests.Limits;

public sealed class OperatingTimeLimitTests
{
    private const string Heavy = "test.heavy";

    [Fact]
    public async Task CallThatCrossesTheLimit_Succeeds_AndTheNextOneAnswers429OperationTimeLimit()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
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
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await StartAsync(clock);
        TestMethods.AddIncrement(emulator.World, Heavy);
        TestMethods.AddEcho(emulator.World);
        await BlockHeavyAsync(emulator);

        var other = await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, other.EnsureSuccess().Status);
        Assert.Equal((HttpStatusCode)429, (await CallHeavyAsync(emulator)).Status);
    }

    [Fact]
    public async Task OperatingResetAt_IsTheFirstCountedCallPlusTheWindow_NotMinuteAligned_AndThenTheMethodWorksAgain()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        clock.Advance(TimeSpan.FromSeconds(20.4));
        var firstCall = clock.GetUtcNow();
        await using var emulator = await StartAsync(clock);
        TestMethods.AddIncrement(emulator.World, Heavy);

        var first = (await CallHeavyAsync(emulator)).EnsureSuccess();
        var resetAt = first.Body!["time"]!["operating_reset_at"]!.GetValue<long>();
        clock.Advance(TimeSpan.FromSeconds(30));
        await BlockHeavyAsync(emulator);
        clock.Advance(DateTimeOffset.FromUnixTimeSeconds(resetAt) - clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        var justBefore = await CallHeavyAsync(emulator);
        clock.Advance(TimeSpan.FromSeconds(1));
        var atReset = await CallHeavyAsync(emulator);

        Assert.Equal(firstCall.ToUnixTimeSeconds() + 600, resetAt);
        Assert.NotEqual(0, resetAt % 60);
        Assert.Equal((HttpStatusCode)429, justBefore.Status);
        var time = atReset.EnsureSuccess().Body!["time"]!;
        Assert.Equal(500.0, time["operating"]!.GetValue<double>());
        Assert.Equal(firstCall.ToUnixTimeSeconds() + 30 + 600, time["operating_reset_at"]!.GetValue<long>());
    }

    [Fact]
    public async Task TheWindowSlides_EachCountedCallLeavesItWindowSecondsAfterItWasMade()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await StartAsync(clock);
        TestMethods.AddIncrement(emulator.World, Heavy);
        var start = clock.GetUtcNow().ToUnixTimeSeconds();
        for (var i = 0; i < 5; i++)
        {
            (await CallHeavyAsync(emulator)).EnsureSuccess();
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        var blocked = await CallHeavyAsync(emulator);
        clock.Advance(TimeSpan.FromMinutes(5));
        var afterFirstLeft = (await CallHeavyAsync(emulator)).EnsureSuccess().Body!["time"]!;
        var blockedAgain = await CallHeavyAsync(emulator);

        Assert.Equal((HttpStatusCode)429, blocked.Status);
        Assert.Equal(500.0, afterFirstLeft["operating"]!.GetValue<double>());
        Assert.Equal(start + 60 + 600, afterFirstLeft["operating_reset_at"]!.GetValue<long>());
        Assert.Equal((HttpStatusCode)429, blockedAgain.Status);
    }

    [Theory]
    [InlineData(0.05, 0.0)]
    [InlineData(0.1, 0.0)]
    [InlineData(0.25, 0.75)]
    public async Task CallsOf100MsOrLess_AreNotCounted(double costSeconds, double operatingAfterThree)
    {
        await using var emulator = await EmulatorHarness.StartAsync(o => o.OperatingLimit.CostPerCall[Heavy] = TimeSpan.FromSeconds(costSeconds), new FakeTimeProvider(TestClock.Start));
        TestMethods.AddIncrement(emulator.World, Heavy);
        TestMethods.AddEcho(emulator.World);

        JsonNode? time = null;
        for (var i = 0; i < 3; i++)
        {
            time = (await CallHeavyAsync(emulator)).EnsureSuccess().Body!["time"];
        }

        var measured = (await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken)).EnsureSuccess();

        Assert.Equal(operatingAfterThree, time!["operating"]!.GetValue<double>(), 6);
        Assert.Equal(0, measured.Body!["time"]!["operating"]!.GetValue<double>());
    }

    [Fact]
    public async Task TheLimiterIsOnByDefault_AsInTheCloud()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await EmulatorHarness.StartAsync(time: clock);
        TestMethods.AddEcho(emulator.World);

        var answer = (await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken)).EnsureSuccess();

        Assert.True(new EmulatorOptions().OperatingLimit.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(480), new EmulatorOptions().OperatingLimit.Limit);
        var time = answer.Body!["time"]!;
        Assert.Equal(0, time["operating"]!.GetValue<double>());
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds() + 600, time["operating_reset_at"]!.GetValue<long>());
    }

    [Fact]
    public async Task BatchEntries_CarryTheirMethodsOperating_AndABlockedCommandFailsInResultErrorWhileTheBatchAnswers200()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await StartAsync(clock);
        var counter = TestMethods.AddIncrement(emulator.World, Heavy);
        TestMethods.AddEcho(emulator.World);
        var cmd = new JsonObject { ["echo"] = TestMethods.Echo };
        for (var i = 1; i <= 6; i++)
        {
            cmd[$"h{i}"] = Heavy;
        }

        var batch = await emulator.Client.CallAsync("batch", new JsonObject { ["halt"] = 0, ["cmd"] = cmd }, TestContext.Current.CancellationToken);
        var alone = await CallHeavyAsync(emulator);

        Assert.Equal(HttpStatusCode.OK, batch.Status);
        var body = batch.Result!;
        var resetAt = clock.GetUtcNow().ToUnixTimeSeconds() + 600;
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(i * 100.0, body["result_time"]![$"h{i}"]!["operating"]!.GetValue<double>());
            Assert.Equal(resetAt, body["result_time"]![$"h{i}"]!["operating_reset_at"]!.GetValue<long>());
        }

        Assert.Equal(0, body["result_time"]!["echo"]!["operating"]!.GetValue<double>());
        Assert.Equal("OPERATION_TIME_LIMIT", body["result_error"]!["h6"]!["error"]!.GetValue<string>());
        Assert.Equal(0, batch.Body!["time"]!["operating"]!.GetValue<double>());
        Assert.Equal((HttpStatusCode)429, alone.Status);
        Assert.Equal(5, counter.Value);
        Assert.Equal(2, emulator.Portal.Stats.RejectedByOperatingLimit);
    }

    [Fact]
    public async Task Configure_ChangesOnePortalsLimiterWhileItRuns_AndKeepsWhatWasCounted()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var emulator = await StartAsync(clock);
        TestMethods.AddIncrement(emulator.World, Heavy);
        var other = emulator.World.CreatePortal("other.bitrix24.com");
        (await CallHeavyAsync(emulator)).EnsureSuccess();
        (await CallHeavyAsync(emulator)).EnsureSuccess();

        var options = emulator.Portal.OperatingLimiter.Options;
        options.Limit = TimeSpan.FromSeconds(150);
        emulator.Portal.OperatingLimiter.Configure(options);
        var blocked = await CallHeavyAsync(emulator);

        Assert.Equal((HttpStatusCode)429, blocked.Status);
        Assert.Equal(200, emulator.Portal.OperatingLimiter.Read(emulator.World.DefaultApp.ClientId, Heavy).Operating);
        Assert.Equal(TimeSpan.FromSeconds(480), other.OperatingLimiter.Options.Limit);
        Assert.Equal(TimeSpan.FromSeconds(480), emulator.World.Options.OperatingLimit.Limit);
    }

    [Fact]
    public async Task RefusedCalls_CostNoOperatingTime_SoRetryingDoesNotProlongTheBlock()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
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
        await using var emulator = await EmulatorHarness.StartAsync(o =>
        {
            o.OperatingLimit.Enabled = false;
            o.OperatingLimit.CostPerCall[Heavy] = TimeSpan.FromSeconds(100);
        });
        TestMethods.AddIncrement(emulator.World, Heavy);

        for (var i = 0; i < 10; i++)
        {
            var time = (await CallHeavyAsync(emulator)).EnsureSuccess().Body!["time"]!.AsObject();
            Assert.False(time.ContainsKey("operating"));
            Assert.False(time.ContainsKey("operating_reset_at"));
        }
    }

    private static Task<EmulatorHarness> StartAsync(FakeTimeProvider clock) =>
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
