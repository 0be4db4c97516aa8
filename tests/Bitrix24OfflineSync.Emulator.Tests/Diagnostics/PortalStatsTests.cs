using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Diagnostics;

public sealed class PortalStatsTests
{
    [Fact]
    public async Task Stats_CountRequestsAndCallsPerMethod()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        TestMethods.AddIncrement(emulator.World);
        var ct = TestContext.Current.CancellationToken;

        for (var i = 0; i < 3; i++)
        {
            await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: ct);
        }

        await emulator.Client.CallAsync(TestMethods.Increment, cancellationToken: ct);
        await emulator.Client.CallAsync("TEST.INCREMENT.json", cancellationToken: ct);
        await emulator.Client.CallAsync("no.such.method", cancellationToken: ct);

        var stats = emulator.Portal.Stats;
        Assert.Equal(6, stats.Requests);
        Assert.Equal(3, stats.CallsOf(TestMethods.Echo));
        Assert.Equal(2, stats.CallsOf(TestMethods.Increment));
        Assert.Equal(1, stats.CallsOf("no.such.method"));
        Assert.Equal(3, stats.Calls.Count);
    }

    [Fact]
    public async Task CallLog_IsOrderedBySequence_WithStatusErrorCodeAndProcessId()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.Add(emulator.World, "test.reserve", _ => new JsonObject { ["process_id"] = "pid-from-result" });
        TestMethods.Add(emulator.World, "test.clear", _ => JsonValue.Create(true));
        TestMethods.Add(emulator.World, "test.fail", _ => throw RestException.InvalidArgument("Bad"));
        var ct = TestContext.Current.CancellationToken;

        await emulator.Client.CallAsync("test.reserve", cancellationToken: ct);
        var between = emulator.World.NextSequence();
        await emulator.Client.CallAsync("test.clear", RestClient.Params("process_id=pid-from-param"), ct);
        await emulator.Client.CallAsync("test.fail", cancellationToken: ct);

        var log = emulator.Portal.Stats.CallLog;
        Assert.Equal(["test.reserve", "test.clear", "test.fail"], log.Select(e => e.Method));
        Assert.True(log[0].Sequence < between && between < log[1].Sequence && log[1].Sequence < log[2].Sequence);
        Assert.Equal([200, 200, 400], log.Select(e => e.Status));
        Assert.Equal([null, null, "ERROR_ARGUMENT"], log.Select(e => e.ErrorCode));
        Assert.Equal(["pid-from-result", "pid-from-param", null], log.Select(e => e.ProcessId));
        Assert.All(log, e => Assert.Equal(emulator.World.DefaultApp.ClientId, e.ClientId));
        Assert.All(log, e => Assert.Equal(emulator.Portal.Domain, e.Portal));
        Assert.All(log, e => Assert.False(e.InBatch));
    }

    [Fact]
    public async Task CallLog_GivesEveryCommandOfABatchTheRequestIdOfItsRequest_AndEachRequestItsOwn()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        var ct = TestContext.Current.CancellationToken;

        await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: ct);
        await emulator.Client.CallAsync("batch", new JsonObject { ["cmd"] = new JsonArray(TestMethods.Echo, TestMethods.Echo, "no.such.method") }, ct);
        await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: ct);

        var log = emulator.Portal.Stats.CallLog;
        Assert.Equal([TestMethods.Echo, TestMethods.Echo, TestMethods.Echo, "no.such.method", "batch", TestMethods.Echo], log.Select(e => e.Method));
        var batchRequest = log[4].RequestId;
        Assert.All(log.Skip(1).Take(4), e => Assert.Equal(batchRequest, e.RequestId));
        Assert.Equal(3, log.Select(e => e.RequestId).Distinct().Count());
        Assert.True(log[0].RequestId < batchRequest && batchRequest < log[5].RequestId);
    }

    [Fact]
    public async Task RequestRefusedBeforeTheMethod_IsARequestButNotACall()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        using var stranger = EmulatorHarness.ClientFor(emulator.Portal, "not-a-token");

        await stranger.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, emulator.Portal.Stats.Requests);
        Assert.Equal(0, emulator.Portal.Stats.CallsOf(TestMethods.Echo));
        Assert.Empty(emulator.Portal.Stats.CallLog);
    }

    [Fact]
    public async Task Reset_ClearsCountersAndTheLog()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        TestMethods.AddEcho(emulator.World);
        await emulator.Client.CallAsync(TestMethods.Echo, cancellationToken: TestContext.Current.CancellationToken);

        emulator.Portal.Stats.Reset();

        Assert.Equal(0, emulator.Portal.Stats.Requests);
        Assert.Empty(emulator.Portal.Stats.Calls);
        Assert.Empty(emulator.Portal.Stats.CallLog);
        Assert.Equal(0, emulator.Portal.Stats.MaxConcurrentRequests);
    }
}
