using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Sync.Passes;
using Bitrix24OfflineSync.Sync.Scheduling;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Sync.Scheduling;

/// <summary>The scheduler in the running service: turns of slow portals overlap, and a quiet portal's drift check falls due.</summary>
public sealed class SchedulingEndToEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TurnsOfFiftySlowPortals_AreAllInFlightAtOnce()
    {
        await using var fixture = await SyncFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Sync:PollInterval"] = "01:00:00",
            // Fifty installs in a row are the test's setup, not a flood.
            ["Installs:Burst"] = "100",
            ["Installs:PerSecond"] = "100",
        });
        var portals = new List<Bitrix24OfflineSync.Emulator.Portals.EmulatedPortal>();
        for (var i = 0; i < 50; i++)
        {
            portals.Add(await fixture.InstallAndBindAsync(fixture.World.CreatePortal($"slow{i}.bitrix24.com")));
        }

        // Every request of every portal now waits: with the old bound of 8 no more than 8 turns could be waiting at once.
        foreach (var portal in portals)
        {
            portal.Faults.Latency = TimeSpan.FromSeconds(5);
        }

        var scheduler = fixture.Service.Get<DrainScheduler>();
        var most = 0;
        foreach (var portal in portals)
        {
            fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = portal.Domain } });
        }

        await Wait.UntilAsync(() => (most = Math.Max(most, scheduler.InFlight)) >= portals.Count, "all fifty turns in flight at once");

        foreach (var portal in portals)
        {
            portal.Faults.Latency = TimeSpan.Zero;
        }

        foreach (var portal in portals)
        {
            await fixture.WaitUntilDrainedAsync(portal);
            Assert.Single(await fixture.Mirror.ListAsync(portal.MemberId, Ct));
        }
    }

    [Fact]
    public async Task ADoorbellRungDuringASweepOfSlowPortals_IsDrainedBeforeTheSweepReachesThem()
    {
        // Two turns at a time: twenty portals answering in a second each make a sweep of ten seconds.
        await using var fixture = await SyncFixture.StartAsync(TwoTurnsAtOnce());
        var slow = await InstallManyAsync(fixture, 20, doorbell: true);

        var ordinary = await fixture.InstallAndBindAsync(fixture.World.CreatePortal("ordinary.bitrix24.com"), doorbell: false);
        foreach (var portal in slow)
        {
            portal.Faults.Latency = TimeSpan.FromSeconds(1);
        }

        // A new instance's start-up pass asks every portal at once, in the background line; the doorbell rings it.
        await fixture.RestartServiceAsync();
        var atStart = slow.ToDictionary(p => p.MemberId, p => p.Stats.Requests);
        await fixture.BindDoorbellAsync(ordinary);
        var scheduler = fixture.Service.Get<DrainScheduler>();
        await Wait.UntilAsync(() => scheduler.InFlight == 2 && scheduler.ReadyIn(ReadyLine.Background) >= 10, "the sweep has begun with most of it still waiting");

        fixture.World.CallAsUser(ordinary, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "rung during the sweep" } });
        await Wait.UntilAsync(async () => (await fixture.Mirror.ListAsync(ordinary.MemberId, Ct)).Count == 1, "the rung portal's deal is in the mirror");

        // Queued behind the sweep, the deal would have waited for every slow portal's turn.
        var notYetAsked = slow.Count(p => p.Stats.Requests == atStart[p.MemberId]);
        Assert.True(notYetAsked > 0, "every slow portal of the sweep had its turn before the rung portal");
        foreach (var portal in slow)
        {
            portal.Faults.Latency = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task PortalsAStoppedInstanceClaimedAndDidNotAsk_AreAskedByTheNextStartsPass()
    {
        await using var fixture = await SyncFixture.StartAsync(TwoTurnsAtOnce());
        var slow = await InstallManyAsync(fixture, 12, doorbell: false);

        foreach (var portal in slow)
        {
            portal.Faults.Latency = TimeSpan.FromSeconds(2);
        }

        // The start-up pass claims the fleet (moving each next poll an interval and a half on, and further); two turns
        // run, the rest wait in the line when the instance stops.
        await fixture.RestartServiceAsync();
        var atStart = slow.ToDictionary(p => p.MemberId, p => p.Stats.Requests);
        var scheduler = fixture.Service.Get<DrainScheduler>();
        await Wait.UntilAsync(() => scheduler.InFlight == 2 && scheduler.ReadyIn(ReadyLine.Background) >= 8, "the sweep has begun with most of it still waiting");
        var notAsked = slow.Where(p => p.Stats.Requests == atStart[p.MemberId]).ToList();
        Assert.True(notAsked.Count >= 8, $"{notAsked.Count} portals not asked yet");
        await fixture.RestartServiceAsync();
        foreach (var portal in slow)
        {
            portal.Faults.Latency = TimeSpan.Zero;
        }

        // Doorbells rung while no instance ran are lost: the next start's pass must ask these too, not an interval later.
        await Wait.UntilAsync(() => notAsked.All(p => p.Stats.Requests > atStart[p.MemberId]), "every portal the stopped instance left unasked is asked");
    }

    [Fact]
    public async Task ADatabaseAwayWhenTheWorkerCountsTheFleetAtStart_DoesNotStopTheWorker()
    {
        await using var fixture = await SyncFixture.StartAsync(
            new Dictionary<string, string?> { ["Sync:PollInterval"] = "00:00:10" },
            services: s => s.AddSingleton<IPollSchedule>(sp => new FirstCountFails(new SqlPollSchedule(sp.GetRequiredService<ISqlDatabase>()))));

        // The count for the start-up log failed; the sweep, which runs inside the worker, goes on.
        var net = fixture.Service.Get<SafetyNet>();
        await Wait.UntilAsync(() => net.SlicesSwept > 0, "the safety net sweeps a slice");
        Assert.False(fixture.Service.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Bitrix24OfflineSync.Sync.DrainWorker>().Single().ExecuteTask!.IsCompleted);
    }

    [Fact]
    public async Task TurnsThatEndTogether_LeaveTheirPortalsNextPollsSpreadOverTheInterval()
    {
        // On a fake clock that stands still every install's turn ends at one instant: a next poll a poll interval after
        // the turn would be one instant for the whole fleet, however even the sweep that asked them was.
        var clock = new FakeTimeProvider(TestClock.Start);
        var interval = TimeSpan.FromHours(1);
        await using var fixture = await SyncFixture.StartAsync(
            new Dictionary<string, string?>
            {
                ["Sync:PollInterval"] = "01:00:00",
                ["Sync:ReconcileInterval"] = "7.00:00:00",
                ["Installs:Burst"] = "100",
                ["Installs:PerSecond"] = "100",
            },
            time: clock);
        var members = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            members.Add((await fixture.InstallAndBindAsync(fixture.World.CreatePortal($"together{i}.bitrix24.com"), doorbell: false)).MemberId);
        }

        var ended = clock.GetUtcNow();
        var database = fixture.Service.Get<ISqlDatabase>();
        var next = new Dictionary<string, DateTimeOffset>();
        await Wait.UntilAsync(
            async () =>
            {
                next = (await database.QueryAsync<(string MemberId, object At)>("SELECT member_id, next_poll_at FROM portals WHERE next_poll_at IS NOT NULL;", null, Ct))
                    .ToDictionary(r => r.MemberId, r => database.ReadTime(r.At)!.Value);
                return members.All(m => next.TryGetValue(m, out var at) && at > ended);
            },
            "every install's turn has set its portal's next poll");

        Assert.All(members, m => Assert.InRange(next[m], ended + (interval / 2), ended + (interval * 1.5)));
        var spread = members.Max(m => next[m]) - members.Min(m => next[m]);
        Assert.True(spread > interval / 2, $"twenty portals whose turns ended together are next polled within {spread} of each other");
    }

    [Fact]
    public async Task AQuietPortal_IsWokenForItsDriftCheckWhenItFallsDue_NotAtTheNextPoll()
    {
        // The service and the emulator share a fake clock: five minutes pass when the test says so, and not before.
        var clock = new FakeTimeProvider(TestClock.Start);
        var reconcile = TimeSpan.FromMinutes(5);
        await using var fixture = await SyncFixture.StartAsync(
            new Dictionary<string, string?>
            {
                ["Sync:PollInterval"] = "01:00:00",
                ["Sync:ReconcileInterval"] = "00:05:00",
            },
            time: clock);
        var portal = await fixture.InstallAndBindAsync();
        var passes = fixture.Service.Get<IPassStore>();
        var scheduler = fixture.Service.Get<DrainScheduler>();
        await Wait.UntilAsync(() => scheduler.InFlight == 0 && scheduler.TimersPending > 0, "the load's turn ended with the check's due time set");
        var loaded = (await passes.ForPortalAsync(portal.MemberId, Ct)).Where(p => p.Kind == PassKind.Load).Min(p => p.FinishedAt!.Value);

        // A second before it falls due nothing wakes the portal: the timers fire inside Advance, so a woken portal
        // would be ready or in a turn now.
        clock.Advance(loaded + reconcile - clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.Equal(0, scheduler.ReadyIn(ReadyLine.Background) + scheduler.ReadyIn(ReadyLine.Urgent) + scheduler.InFlight);

        // Nothing rings and the poll is an hour away: only the scheduler knowing the check's due time wakes the portal.
        clock.Advance(TimeSpan.FromSeconds(2));
        await Wait.UntilAsync(
            async () => (await passes.ForPortalAsync(portal.MemberId, Ct)).Any(p => p.Kind == PassKind.Check && p.IsDone),
            "a drift check of the quiet portal has run");
        var checks = (await passes.ForPortalAsync(portal.MemberId, Ct)).Where(p => p.Kind == PassKind.Check).ToList();
        Assert.All(checks, c => Assert.True(c.StartedAt >= loaded + reconcile, $"{c.Entity} checked at {c.StartedAt:O}, due at {loaded + reconcile:O}"));
        Assert.DoesNotContain(portal.Deliveries.Records, r => r.EventName == "ONOFFLINEEVENT");
    }

    /// <summary>An hour's poll interval and two turns at a time; installs unthrottled (they are the test's setup).</summary>
    private static Dictionary<string, string?> TwoTurnsAtOnce() => new()
    {
        ["Sync:PollInterval"] = "01:00:00",
        ["Sync:MaxConcurrentDrains"] = "2",
        ["Installs:Burst"] = "100",
        ["Installs:PerSecond"] = "100",
    };

    private static async Task<List<Bitrix24OfflineSync.Emulator.Portals.EmulatedPortal>> InstallManyAsync(SyncFixture fixture, int count, bool doorbell)
    {
        var portals = new List<Bitrix24OfflineSync.Emulator.Portals.EmulatedPortal>();
        for (var i = 0; i < count; i++)
        {
            portals.Add(await fixture.InstallAndBindAsync(fixture.World.CreatePortal($"slow{i}.bitrix24.com"), doorbell: doorbell));
        }

        return portals;
    }

    /// <summary>The fleet's first count fails, as with a database gone for a moment at start.</summary>
    private sealed class FirstCountFails(IPollSchedule inner) : IPollSchedule
    {
        private int _counts;

        public Task<int> CountActiveAsync(CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _counts) == 1 ? throw new InvalidOperationException("The database is away") : inner.CountActiveAsync(cancellationToken);

        public Task<IReadOnlyList<string>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset next, int limit, CancellationToken cancellationToken) =>
            inner.ClaimDueAsync(now, next, limit, cancellationToken);

        public Task<IReadOnlyList<string>> ClaimPageAsync(string afterMemberId, DateTimeOffset due, DateTimeOffset next, int limit, CancellationToken cancellationToken) =>
            inner.ClaimPageAsync(afterMemberId, due, next, limit, cancellationToken);

        public Task SetNextPollAsync(string memberId, DateTimeOffset at, CancellationToken cancellationToken) => inner.SetNextPollAsync(memberId, at, cancellationToken);

        public Task SetNextPollsAsync(IReadOnlyCollection<string> memberIds, DateTimeOffset at, CancellationToken cancellationToken) =>
            inner.SetNextPollsAsync(memberIds, at, cancellationToken);

        public Task<IReadOnlyList<(string MemberId, DateTimeOffset LastDrainAt)>> StalePageAsync(DateTimeOffset before, string afterMemberId, int limit, CancellationToken cancellationToken) =>
            inner.StalePageAsync(before, afterMemberId, limit, cancellationToken);
    }
}
