using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sync;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.Tests.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Bitrix24OfflineSync.Tests.Sync;

/// <summary>
/// Several service instances on one PostgreSQL database and one emulated portal, as replicas behind a load balancer:
/// doorbells land on any of them, one drains the portal at a time, and nothing is lost or synced twice at once.
/// Skipped, with the reason, without <c>B24SYNC_TEST_POSTGRES</c>.
/// </summary>
public sealed class ReplicaTests : IAsyncDisposable
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly PostgresTarget _database = new();
    private readonly List<ServiceHarness> _replicas = [];
    private EmulatorServer? _emulator;
    private Action? _release;

    [Fact]
    public async Task ThreeReplicasRungInTurn_DrainThePortalOneAtATime_AndSyncEveryChange()
    {
        var world = await StartEmulatorAsync();
        var replicas = new[] { await StartReplicaAsync(world), await StartReplicaAsync(world), await StartReplicaAsync(world) };
        var (portal, applicationToken) = await InstallAsync(world, replicas[0]);

        for (var i = 0; i < 60; i++)
        {
            var id = world.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"deal {i}" } }).Result!.ToString();
            if (i % 4 == 0)
            {
                world.CallAsUser(portal, "crm.deal.update", new JsonObject { ["id"] = id, ["fields"] = new JsonObject { ["TITLE"] = $"deal {i} renamed" } });
            }

            // The emulator rings replica A; the other doorbells stand for the same portal's events reaching B and C. Like
            // the server's, they ring once the rows are written (after the change's answer).
            await world.WhenEventsWrittenAsync(Ct);
            var replica = replicas[i % replicas.Length];
            using var answer = await replica.Http.PostAsync(replica.EventsUrl, EventForms.Doorbell(portal.MemberId, applicationToken), Ct);
            Assert.True(answer.IsSuccessStatusCode);
        }

        await WaitUntilDrainedAsync(world, portal, replicas[1]);

        Assert.Equal(1, portal.Stats.MaxConcurrentCallsOf("event.offline.get"));
        await MirrorAssert.MatchesEmulatorAsync(replicas[2].Get<IMirrorStore>(), portal);
    }

    [Fact]
    public async Task WhileADrainWaitsOnASlowPortal_NoTransactionWaitsWithIt_AndThePortalsRowIsWritable()
    {
        var world = await StartEmulatorAsync();
        var replica = await StartReplicaAsync(world);
        var (portal, applicationToken) = await InstallAsync(world, replica);
        await replica.WaitUntilLoadedAsync(portal.MemberId);
        await WaitUntilDrainedAsync(world, portal, replica);
        for (var i = 0; i < 5; i++)
        {
            world.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"deal {i}" } });
        }

        // Every request of the drain now waits a second on the network, as a far portal's would.
        portal.Faults.Latency = TimeSpan.FromSeconds(1);
        var requestsBefore = portal.Stats.Requests;
        await world.WhenEventsWrittenAsync(Ct);
        using (var answer = await replica.Http.PostAsync(replica.EventsUrl, EventForms.Doorbell(portal.MemberId, applicationToken), Ct))
        {
            Assert.True(answer.IsSuccessStatusCode);
        }

        var samples = new List<(long OpenTransactions, long Written)>();
        var journal = replica.Get<IReservationJournal>();
        while (portal.Queue.Depth(world.DefaultApp, error: false) > 0 || (await journal.KnownPendingAsync(portal.MemberId, Ct)).Count > 0)
        {
            // A transaction held across a REST call would sit idle for the call's second (a transaction of the database's
            // own work is idle only between its statements), and its row locks would keep these writes waiting.
            var open = await _database.ScalarAsync(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() " +
                "AND state LIKE 'idle in transaction%' AND state_change < clock_timestamp() - interval '500 milliseconds';");
            var written = await _database.ScalarAsync(
                $"UPDATE portals SET updated_at = updated_at WHERE member_id = '{portal.MemberId}' RETURNING 1;").WaitAsync(TimeSpan.FromSeconds(10), Ct);
            samples.Add((open, written));
            await Task.Delay(25, Ct);
        }

        Assert.True(portal.Stats.Requests - requestsBefore >= 3, $"the drain made {portal.Stats.Requests - requestsBefore} requests");
        Assert.NotEmpty(samples);
        Assert.All(samples, s => Assert.Equal((0L, 1L), s));
        await MirrorAssert.MatchesEmulatorAsync(replica.Get<IMirrorStore>(), portal);
    }

    [Fact]
    public async Task TwoReplicas_LoadAPortalUnderItsLease_ReadingEachRangeOnce_AndTheMirrorEndsComplete()
    {
        var world = await StartEmulatorAsync();
        // One step a turn, and turns every second on both: the replicas take the load up in turn.
        var settings = new Dictionary<string, string?> { ["Sync:RoundsPerTurn"] = "1", ["Sync:PollInterval"] = "00:00:01" };
        var replicas = new[] { await StartReplicaAsync(world, settings), await StartReplicaAsync(world, settings) };

        var (portal, _) = await InstallAsync(world, replicas[0], p =>
        {
            world.Seed(p, "crm.deal", 10_000, seed: 6);
            p.Faults.Latency = TimeSpan.FromMilliseconds(100);
        });
        await replicas[1].WaitUntilLoadedAsync(portal.MemberId);

        var pages = portal.Stats.CallLog.Where(e => e.Method == "crm.deal.list").ToList();
        Assert.Equal(1 + (10_000 / 50), pages.Count);
        Assert.Equal(1, portal.Stats.MaxConcurrentCallsOf("crm.deal.list"));
        await MirrorAssert.MatchesEmulatorAsync(replicas[1].Get<IMirrorStore>(), portal);
    }

    [Fact]
    public async Task AThousandConcurrentDoorbellsOverThreeReplicas_NeverDrainThePortalTwiceAtOnce_AndSyncEveryChange()
    {
        var world = await StartEmulatorAsync();
        var replicas = new[] { await StartReplicaAsync(world), await StartReplicaAsync(world), await StartReplicaAsync(world) };
        var (portal, applicationToken) = await InstallAsync(world, replicas[0]);
        for (var i = 0; i < 200; i++)
        {
            world.CallAsUser(portal, $"crm.{(i % 2 == 0 ? "deal" : "lead")}.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"object {i}" } });
        }

        // Rung, as the server rings, once the rows are written.
        await world.WhenEventsWrittenAsync(Ct);
        var answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
        {
            var replica = replicas[i % replicas.Length];
            using var answer = await replica.Http.PostAsync(replica.EventsUrl, EventForms.Doorbell(portal.MemberId, applicationToken), Ct);
            return answer.IsSuccessStatusCode;
        }));
        await WaitUntilDrainedAsync(world, portal, replicas[1]);

        Assert.All(answers, Assert.True);
        Assert.Equal(1, portal.Stats.MaxConcurrentCallsOf("event.offline.get"));
        await MirrorAssert.MatchesEmulatorAsync(replicas[2].Get<IMirrorStore>(), portal);
    }

    [Fact]
    public async Task FiftyConcurrentCallsOnThreeReplicasWithAnExpiredToken_CauseExactlyOneRefresh()
    {
        var world = await StartEmulatorAsync();
        world.Methods.Add("test.ping", null, _ => JsonValue.Create("pong"));
        var replicas = new[] { await StartReplicaAsync(world), await StartReplicaAsync(world), await StartReplicaAsync(world) };
        var (portal, _) = await InstallAsync(world, replicas[0]);
        world.OAuth.ExpireAccessTokens(portal);
        var refreshesBefore = world.OAuth.RefreshRequests;

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            replicas[i % replicas.Length].Get<Bitrix24OfflineSync.Bitrix.BitrixClient>().CallAsync(portal.MemberId, "test.ping", null, Ct)));

        Assert.All(answers, a => Assert.Equal("pong", a.Result!.GetValue<string>()));
        Assert.Equal(refreshesBefore + 1, world.OAuth.RefreshRequests);
    }

    [Fact]
    public async Task OnPostgres_EveryDoorbellWritesTheSignal_ThoughThisReplicaAlreadyCountsThePortalDirty()
    {
        var world = await StartEmulatorAsync();
        var replica = await StartReplicaAsync(world);
        var (portal, applicationToken) = await InstallAsync(world, replica);
        // Another replica drains the portal: this one's worker never takes the signals, so its cache keeps saying "dirty".
        await Wait.UntilAsync(
            async () => await replica.Get<IDrainLeases>().TryAcquireAsync(portal.MemberId, "another replica", TimeSpan.FromMinutes(5), Ct) is not null,
            "another replica holds the portal's lease");

        var before = await _database.ScalarAsync("SELECT signal_seq FROM portals");

        for (var i = 0; i < 3; i++)
        {
            using var answer = await replica.Http.PostAsync(replica.EventsUrl, EventForms.Doorbell(portal.MemberId, applicationToken), Ct);
            Assert.True(answer.IsSuccessStatusCode);
        }

        Assert.Equal(before + 3, await _database.ScalarAsync("SELECT signal_seq FROM portals"));
    }

    [Fact]
    public async Task AReplicaPausedMidRound_LosesThePortalWhenItsLeaseExpires_AndCommitsNothingWhenItWakes()
    {
        var world = await StartEmulatorAsync();
        // The first round is held after its fetch, as a replica stalled by a long pause would be, until released.
        var paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commits = 0;
        var pause = new DrainProbe
        {
            OnFetched = (_, _) => _ = paused.TrySetResult() && resume.Task.Wait(TimeSpan.FromMinutes(5), CancellationToken.None),
            OnCommitted = (_, _) => Interlocked.Increment(ref commits),
        };
        _release = () => resume.TrySetResult();
        var pausedReplica = await StartReplicaAsync(world, new Dictionary<string, string?> { ["Sync:LeaseDuration"] = "00:00:01" }, s => s.AddSingleton<IDrainProgress>(pause));
        var (portal, applicationToken) = await InstallAsync(world, pausedReplica);
        for (var i = 0; i < 5; i++)
        {
            world.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"deal {i}" } });
        }

        await Wait.ForAsync(paused.Task, "the replica has paused after its first fetch", TimeSpan.FromSeconds(30));
        var successor = await StartReplicaAsync(
            world, new Dictionary<string, string?> { ["Sync:PollInterval"] = "00:00:00.500", ["Sync:SignalScanInterval"] = "00:00:00.200" });
        // Another instance takes a stalled one's portal over at the portal's next poll or doorbell once the lease has
        // expired. The next poll is the paused replica's slot, minutes out; whether a doorbell of the five deals came
        // after the paused turn took the signals is up to timing. So a doorbell reaches the successor, as a later
        // change behind a load balancer would: until the lease expires its turns are turned away and the signal waits.
        using (var doorbell = await successor.Http.PostAsync(successor.EventsUrl, EventForms.Doorbell(portal.MemberId, applicationToken), Ct))
        {
            Assert.True(doorbell.IsSuccessStatusCode);
        }

        await WaitUntilDrainedAsync(world, portal, successor);
        resume.TrySetResult();
        // Failing, it says what the paused replica did instead (the last of its log).
        await Wait.UntilPassesAsync(
            () =>
            {
                Assert.True(
                    pausedReplica.Logs.Of(1351).Count > 0,
                    $"The paused replica has not logged that its lease was taken over (1351). Its log ends:\n{string.Join('\n', pausedReplica.Logs.Lines.TakeLast(25))}");
                return Task.CompletedTask;
            },
            TimeSpan.FromSeconds(30));

        Assert.Equal(0, Volatile.Read(ref commits));
        await MirrorAssert.MatchesEmulatorAsync(successor.Get<IMirrorStore>(), portal);
        Assert.NotEmpty(successor.Logs.Of(1303));
    }

    public async ValueTask DisposeAsync()
    {
        _release?.Invoke();
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    private async Task<BitrixWorld> StartEmulatorAsync()
    {
        _ = PostgresTarget.Server;
        var options = new EmulatorOptions { Seed = 11 };
        options.RateLimit.Enabled = false;
        _emulator = await EmulatorServer.StartAsync(new BitrixWorld(options), cancellationToken: Ct);
        return _emulator.World;
    }

    private async Task<ServiceHarness> StartReplicaAsync(BitrixWorld world, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        var settings = await _database.SettingsAsync();
        settings["Sync:RetryDelay"] = "00:00:00.200";
        settings["Bitrix24:Resilience:BaseDelay"] = "00:00:00.010";
        settings["Bitrix24:Resilience:MaxDelay"] = "00:00:00.050";
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var replica = await ServiceHarness.StartAsync(world, settings, services: services);
        _replicas.Add(replica);
        return replica;
    }

    /// <summary>Installs through one replica and binds the offline events and the doorbell to it.</summary>
    private static async Task<(EmulatedPortal Portal, string ApplicationToken)> InstallAsync(BitrixWorld world, ServiceHarness replica, Action<EmulatedPortal>? before = null)
    {
        var portal = world.CreatePortal("shop.bitrix24.com");
        before?.Invoke(portal);
        var outcome = await world.InstallAppAsync(portal, replica.EventsUrl, cancellationToken: Ct);
        Assert.Equal(200, outcome.CallbackStatus);
        using var client = new RestClient(new HttpClient(), portal.ClientEndpoint, world.OAuth.LastIssued(portal, world.DefaultApp)!.AccessToken);
        (await client.CallAsync("event.bind", new JsonObject { ["event"] = "ONOFFLINEEVENT", ["handler"] = replica.EventsUrl.ToString() }, Ct)).EnsureSuccess();
        foreach (var name in SyncFixture.AllEvents)
        {
            (await client.CallAsync("event.bind", new JsonObject { ["event"] = name, ["event_type"] = "offline" }, Ct)).EnsureSuccess();
        }

        return (portal, outcome.ApplicationToken);
    }

    private static async Task WaitUntilDrainedAsync(BitrixWorld world, EmulatedPortal portal, ServiceHarness replica)
    {
        var journal = replica.Get<IReservationJournal>();
        await world.WhenEventsWrittenAsync(Ct);
        await Wait.UntilAsync(
            async () => portal.Queue.Depth(world.DefaultApp, error: false) == 0 && (await journal.KnownPendingAsync(portal.MemberId, Ct)).Count == 0,
            $"{portal.Domain}'s queue and the journal are empty");
    }
}
