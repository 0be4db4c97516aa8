using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Sync;
using Bitrix24OfflineSync.Sync.Scheduling;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Persistence;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Sync.Scheduling;

/// <summary>
/// The safety net on every provider, on a fake clock far ahead of the service's own: the test's portals are first due
/// at that clock's start, so the service's own sweep never finds them due and never gives them a turn (whose end would
/// move their next poll). The sweep of a fleet is spread over the poll interval, skips the portals drained within it,
/// and replicas on one database poll each portal once per interval between them.
/// </summary>
public abstract class SafetyNetContract(StoreTarget target) : StoreContract(target)
{
    // A hundred slices of a second each.
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(100);
    private static readonly DateTimeOffset T0 = new(2031, 1, 6, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TheSweep_IsSpreadOverTheInterval_PollsEachPortalOncePerInterval_AndSkipsThoseDrainedRecently()
    {
        var service = await StartServiceAsync();
        var database = service.Get<ISqlDatabase>();
        const int fleet = 600;
        await InstallAsync(database, fleet);
        var time = new FakeTimeProvider(T0);
        var polls = new SqlPollSchedule(database);
        for (var i = 0; i < 100; i++)
        {
            // Drained just now: not due for a poll interval.
            await polls.SetNextPollAsync(Member(i), T0 + Interval, Ct);
        }

        var (_, perSlice) = await SweepAsync([polls], time, slices: 200);

        var slice = SafetyNet.SliceOf(Interval);
        var average = fleet * slice.TotalMilliseconds / Interval.TotalMilliseconds;
        Assert.All(perSlice, wakes => Assert.True(wakes.Sum(w => w.Count) <= 2 * average, $"{wakes.Sum(w => w.Count)} wakes in a slice; the average is {average}"));
        var firstInterval = perSlice.Take(99).SelectMany(s => s[0]).ToList();
        Assert.DoesNotContain(firstInterval, m => int.Parse(m[1..], System.Globalization.CultureInfo.InvariantCulture) < 100);
        Assert.Equal(fleet - 100, firstInterval.Distinct().Count());
        Assert.Equal(firstInterval.Count, firstInterval.Distinct().Count());
        var all = perSlice.SelectMany(s => s[0]).GroupBy(m => m).ToList();
        Assert.Equal(fleet, all.Count);
        Assert.All(all, g => Assert.InRange(g.Count(), 1, 2));
    }

    [Fact]
    public async Task ThreeReplicas_ShareTheSweep_AndPollNoPortalTwiceInAnInterval()
    {
        var service = await StartServiceAsync();
        var database = service.Get<ISqlDatabase>();
        const int fleet = 900;
        await InstallAsync(database, fleet);
        var time = new FakeTimeProvider(T0);
        var replicas = new[] { new SqlPollSchedule(database), new SqlPollSchedule(database), new SqlPollSchedule(database) };

        var (_, perSlice) = await SweepAsync(replicas, time, slices: 200);

        // Slices 1-100 are the first interval: each portal polled once in it by one replica; the sweep goes round again after.
        var first = perSlice.Take(100).SelectMany(s => s.SelectMany(r => r)).ToList();
        Assert.Equal(fleet, first.Count);
        Assert.Equal(fleet, first.Distinct().Count());
        var polled = perSlice.SelectMany(s => s.SelectMany(r => r)).GroupBy(m => m).ToList();
        Assert.All(polled, g => Assert.Equal(2, g.Count()));
        Assert.All(Enumerable.Range(0, 3), r => Assert.NotEmpty(perSlice.SelectMany(s => s[r])));
    }

    [Fact]
    public async Task TheStartUpPass_AsksTheWholeFleetAtOnce_ThenSpreadsItsNextPollsEvenlyOverTheInterval()
    {
        var service = await StartServiceAsync();
        var database = service.Get<ISqlDatabase>();
        const int fleet = 600;
        await InstallAsync(database, fleet);
        var time = new FakeTimeProvider(T0);

        var (startUp, perSlice) = await SweepAsync([new SqlPollSchedule(database)], time, slices: 250, startUpPass: true);

        Assert.Equal(fleet, startUp[0].Distinct().Count());
        // The interval and a half after the pass (the furthest a turn sets a next poll) polls nobody again; the next
        // interval polls each portal once, a slice's average at a time (not the whole fleet at twice the average and
        // then nobody).
        Assert.All(perSlice.Take(150), wakes => Assert.Empty(wakes[0]));
        var average = SafetyNet.AveragePerSlice(fleet, Interval);
        Assert.All(perSlice.Skip(150), wakes => Assert.InRange(wakes[0].Count, 0, average));
        var polled = perSlice.Skip(150).SelectMany(s => s[0]).ToList();
        Assert.Equal(fleet, polled.Count);
        Assert.Equal(fleet, polled.Distinct().Count());
    }

    [Fact]
    public async Task APortalResting_WhenTheStartUpPassClaimsIt_IsLeftWhereTheNextStartsPassFindsIt()
    {
        var service = await StartServiceAsync();
        var database = service.Get<ISqlDatabase>();
        const int fleet = 50;
        await InstallAsync(database, fleet);
        var time = new FakeTimeProvider(T0);
        var polls = new SqlPollSchedule(database);
        var options = Options.Create(new SyncOptions { PollInterval = Interval });
        using var scheduler = new DrainScheduler(time);

        // Ten portals have just had a turn (an install's, say) and rest; their turns set their next polls.
        var resting = Enumerable.Range(0, 10).Select(Member).ToList();
        foreach (var memberId in resting)
        {
            scheduler.Wake(memberId);
            Assert.Equal(memberId, await scheduler.TakeAsync(Ct));
            scheduler.Finished(memberId, goAgain: false, TimeSpan.FromMinutes(1));
            await polls.SetNextPollAsync(memberId, SafetyNet.NextSlot(memberId, T0, Interval), Ct);
        }

        var first = await StartUpPassAsync(new SafetyNet(polls, scheduler, options, time, NullLogger<SafetyNet>.Instance), scheduler);

        // Their rest drops the pass's asking (the turn answered it): the rest of the fleet is readied.
        Assert.Equal(fleet - resting.Count, first.Count);
        Assert.DoesNotContain(first, resting.Contains);

        // An instance started a little later (this one stopped before the others' turns) looks at the portals that
        // had no turn since the pass and at the resting ones: none is beyond its reach.
        time.Advance(TimeSpan.FromSeconds(10));
        using var next = new DrainScheduler(time);
        var second = await StartUpPassAsync(new SafetyNet(polls, next, options, time, NullLogger<SafetyNet>.Instance), next);
        Assert.Equal(resting.Order(StringComparer.Ordinal), second.Where(resting.Contains).Order(StringComparer.Ordinal));
    }

    private static async Task<List<string>> StartUpPassAsync(SafetyNet net, DrainScheduler scheduler)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = net.RunAsync(startUpPass: true, stop.Token);
        try
        {
            await Wait.UntilAsync(() => net.StartUpPassDone, "the start-up pass done");
            return TakeReady(scheduler);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    private static string Member(int i) => $"m{i:D5}";

    private static async Task InstallAsync(ISqlDatabase database, int count)
    {
        var at = database.TimeValue(T0);
        await database.RunAsync(
            async connection =>
            {
                await using var transaction = await database.BeginWriteAsync(connection, Ct);
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO portals (member_id, domain, client_endpoint, status, scope, installed_at, updated_at, next_poll_at)
                    VALUES (@MemberId, @Domain, 'https://127.0.0.1:9/rest/', 'Active', 'crm', @At, @At, @At);
                    """,
                    Enumerable.Range(0, count).Select(i => new { MemberId = Member(i), Domain = $"p{i}.bitrix24.com", At = at }),
                    transaction,
                    cancellationToken: Ct));
                await transaction.CommitAsync(Ct);
            },
            Ct);
    }

    /// <summary>
    /// Runs one safety net per store on one fake clock for the slices; answers, per replica, the portals its start-up
    /// pass woke, and per slice and replica, the portals woken.
    /// </summary>
    private static async Task<(List<string>[] StartUp, List<List<string>[]> PerSlice)> SweepAsync(
        IReadOnlyList<SqlPollSchedule> stores, FakeTimeProvider time, int slices, bool startUpPass = false)
    {
        var options = Options.Create(new SyncOptions { PollInterval = Interval });
        var replicas = stores.Select(store =>
        {
            var scheduler = new DrainScheduler(time);
            return (Scheduler: scheduler, Net: new SafetyNet(store, scheduler, options, time, NullLogger<SafetyNet>.Instance));
        }).ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var runs = replicas.Select(r => r.Net.RunAsync(startUpPass, stop.Token)).ToList();
        var perSlice = new List<List<string>[]>();
        var startUp = Array.Empty<List<string>>();
        try
        {
            if (startUpPass)
            {
                await Wait.UntilAsync(() => replicas.All(r => r.Net.StartUpPassDone), "the start-up pass done by every replica");
                startUp = [.. replicas.Select(r => TakeReady(r.Scheduler))];
            }

            for (var n = 1; n <= slices; n++)
            {
                time.Advance(SafetyNet.SliceOf(Interval));
                await Wait.UntilAsync(() => replicas.All(r => r.Net.SlicesSwept >= n), $"slice {n} swept by every replica");
                perSlice.Add([.. replicas.Select(r => TakeReady(r.Scheduler))]);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(runs);
            replicas.ForEach(r => r.Scheduler.Dispose());
        }

        return (startUp, perSlice);
    }

    /// <summary>Takes every portal ready and ends its turn at once, as a worker would whose turns find nothing.</summary>
    private static List<string> TakeReady(DrainScheduler scheduler)
    {
        var taken = new List<string>();
        while (scheduler.ReadyIn(ReadyLine.Background) + scheduler.ReadyIn(ReadyLine.Urgent) > 0)
        {
            var memberId = scheduler.TakeAsync(Ct).AsTask().GetAwaiter().GetResult();
            scheduler.Finished(memberId, goAgain: false, TimeSpan.Zero);
            taken.Add(memberId);
        }

        return taken;
    }
}
