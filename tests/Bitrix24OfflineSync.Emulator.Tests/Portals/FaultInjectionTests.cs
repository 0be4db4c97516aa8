using System.Net;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Portals;

public sealed class FaultInjectionTests
{
    [Fact]
    public async Task Latency_HoldsRequestsInFlight_SoConcurrentOnesOverlap()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var counter = TestMethods.AddIncrement(emulator.World);
        emulator.Portal.Faults.Latency = TimeSpan.FromSeconds(1);
        var ct = TestContext.Current.CancellationToken;

        var answers = await Task.WhenAll(
            emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: ct),
            emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: ct));

        Assert.All(answers, a => a.EnsureSuccess());
        Assert.Equal(2, emulator.Portal.Stats.MaxConcurrentRequests);
        Assert.Equal(2, counter.Value);
    }

    [Fact]
    public async Task ServerErrorRateOfOne_Answers500ToEveryRequest_AndCommitsNothing()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var counter = TestMethods.AddIncrement(emulator.World);
        emulator.Portal.Faults.ServerErrorRate = 1.0;

        for (var i = 0; i < 5; i++)
        {
            var answer = await emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
            Assert.Equal("INTERNAL_SERVER_ERROR", answer.Error);
        }

        Assert.Equal(0, counter.Value);
        emulator.Portal.Faults.Clear();
        var after = await emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, after.EnsureSuccess().Result!.GetValue<int>());
    }

    [Fact]
    public async Task DroppedResponse_FailsTheClientsRequest_YetTheChangeIsCommitted()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var counter = TestMethods.AddIncrement(emulator.World);
        emulator.Portal.Faults.DropResponseRate = 1.0;

        var error = await Record.ExceptionAsync(() => emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: TestContext.Current.CancellationToken));

        Assert.True(error is HttpRequestException or IOException, $"Expected a connection error, got {error}");
        Assert.Equal(1, counter.Value);
        var logged = Assert.Single(emulator.Portal.Stats.CallLog);
        Assert.Equal(200, logged.Status);
    }

    [Fact]
    public async Task DropNextResponses_DropsOnlyTheNamedMethod_AndOnlyAsManyTimesAsAsked()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        var counter = TestMethods.AddIncrement(emulator.World);
        var ct = TestContext.Current.CancellationToken;
        emulator.Portal.Faults.DropNextResponses(TestMethods.Increment);

        (await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: ct)).EnsureSuccess();
        var dropped = await Record.ExceptionAsync(() => emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: ct));
        var next = await emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: ct);

        Assert.True(dropped is HttpRequestException or IOException, $"Expected a connection error, got {dropped}");
        Assert.Equal(2, next.EnsureSuccess().Result!.GetValue<int>());
        Assert.Equal(2, counter.Value);
    }
}
