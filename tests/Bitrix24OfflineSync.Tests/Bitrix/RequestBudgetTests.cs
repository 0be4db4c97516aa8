using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Emulator.Time;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Bitrix;

/// <summary>
/// The budget is defined over time (2 requests a second, a 10-minute operating window), so these tests run the
/// emulator and the service on one shared clock that runs faster than the wall clock.
/// </summary>
public sealed class RequestBudgetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An install's deadline as long as allowed: on a clock a hundred times the wall clock's, 10 s would be 0.1 s.</summary>
    private static Dictionary<string, string?> ScaledClockInstalls => new() { ["Installs:Timeout"] = "00:10:00" };

    [Fact]
    public async Task ABacklogOfTenThousandCalls_AtTheDefaultLimits_IsRarelyRefusedAndRunsAtTheDrainRate()
    {
        var clock = new ScaledTimeProvider(100);
        await using var fixture = await IntakeFixture.StartAsync(ScaledClockInstalls, time: clock, configure: o => o.RateLimit.Enabled = true);
        fixture.World.Methods.Add("test.ping", null, _ => JsonValue.Create("pong"));
        var (portal, _) = await fixture.InstallAsync();
        var client = fixture.Service.Get<BitrixClient>();
        const int calls = 10_000;
        var next = 0;
        var started = clock.GetUtcNow();

        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= calls)
            {
                await client.CallAsync(portal.MemberId, "test.ping", null, Ct);
            }
        }));

        var elapsed = (clock.GetUtcNow() - started).TotalSeconds;
        var refusedShare = (double)portal.Stats.RejectedByLimit / portal.Stats.Requests;
        var sustainedRate = (calls - portal.Bucket.Options.BurstLimit) / elapsed;
        Assert.True(refusedShare < 0.01, $"{portal.Stats.RejectedByLimit} of {portal.Stats.Requests} requests were refused");
        Assert.InRange(sustainedRate, 0.9 * portal.Bucket.Options.DrainPerSecond, 1.1 * portal.Bucket.Options.DrainPerSecond);
    }

    [Fact]
    public async Task OperationTimeLimit_PausesThatMethodUntilTheResetWhileOtherMethodsAndPortalsGoOn()
    {
        var clock = new ScaledTimeProvider(120);
        await using var fixture = await IntakeFixture.StartAsync(ScaledClockInstalls, time: clock, configure: o =>
        {
            o.OperatingLimit.Enabled = true;
            o.OperatingLimit.Limit = TimeSpan.FromSeconds(10);
            o.OperatingLimit.CostPerCall["test.heavy"] = TimeSpan.FromSeconds(4);
        });
        fixture.World.Methods.Add("test.heavy", null, _ => JsonValue.Create("done"));
        fixture.World.Methods.Add("test.ping", null, _ => JsonValue.Create("pong"));
        var (portal, _) = await fixture.InstallAsync();
        var (other, _) = await fixture.InstallAsync("other.bitrix24.com");
        var client = fixture.Service.Get<BitrixClient>();
        var first = await client.CallAsync(portal.MemberId, "test.heavy", null, Ct);
        for (var i = 0; i < 2; i++)
        {
            await client.CallAsync(portal.MemberId, "test.heavy", null, Ct);
        }

        var refused = await Assert.ThrowsAsync<BitrixMethodPausedException>(() => client.CallAsync(portal.MemberId, "test.heavy", null, Ct));
        var requests = portal.Stats.Requests;
        var held = await Assert.ThrowsAsync<BitrixMethodPausedException>(() => client.CallAsync(portal.MemberId, "test.heavy", null, Ct));
        var heldBackRequests = portal.Stats.Requests - requests;
        await client.CallAsync(portal.MemberId, "test.ping", null, Ct);
        await client.CallAsync(other.MemberId, "test.ping", null, Ct);
        await Task.Delay(refused.Until - clock.GetUtcNow() + TimeSpan.FromSeconds(1), clock, Ct);
        var answer = await client.CallAsync(portal.MemberId, "test.heavy", null, Ct);

        Assert.Equal("done", answer.Result!.GetValue<string>());
        var resetAt = DateTimeOffset.FromUnixTimeSeconds(first.Time!["operating_reset_at"]!.GetValue<long>());
        Assert.Equal(resetAt, refused.Until);
        Assert.Equal(refused.Until, held.Until);
        Assert.Equal(0, heldBackRequests);
        var heavy = portal.Stats.CallLog.Where(e => e.Method == "test.heavy").ToList();
        Assert.Equal([200, 200, 200, 429, 200], heavy.Select(e => e.Status));
        Assert.True(heavy[^1].At >= resetAt, "the method was asked again before its operating_reset_at");
        Assert.Equal(1, portal.Stats.RejectedByOperatingLimit);
    }
}
