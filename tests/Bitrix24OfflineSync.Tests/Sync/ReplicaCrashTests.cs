using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sync;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Deployment;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bitrix24OfflineSync.Tests.Sync;

/// <summary>
/// A replica that really dies: instance A, the published service in its own OS process, is SIGKILLed while it drains
/// a portal with a reservation in flight; instance B, on the same PostgreSQL database, takes the portal over once A's
/// lease has expired (not before), recovers A's reservations from the shared journal and finishes the backlog within
/// the lease plus one poll interval (and a margin: tests do not assert speed), and nothing is lost.
/// Skipped, with the reason, without <c>B24SYNC_TEST_POSTGRES</c> or where the published service cannot be built and run.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ReplicaCrashTests : IAsyncDisposable
{
    private const int Changes = 600;
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Slows every REST request of the portal while A drains, so the kill lands mid-drain; lifted after the kill.</summary>
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(500);

    /// <summary>Slack on top of lease expiry plus one poll interval: enough for a loaded machine, finite so "never" fails.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    /// <summary>How long after A's death one of its aborted requests could still be logged by the emulator.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    private readonly CrashRig _rig = new();

    [Fact]
    public async Task AnInstanceKilledMidDrain_AnotherFinishesItsPortalAfterTheLeaseExpires_AndNothingIsLost()
    {
        var world = await _rig.StartAsync();
        var app = world.DefaultApp;

        // Instance A: the published service, run as `dotnet Bitrix24OfflineSync.dll` (no wrapper), configured by its environment.
        var eventsA = await StartInstanceAAsync(world);
        var portal = world.CreatePortal("crash.bitrix24.com");
        await InstallAsync(world, portal, eventsA);

        // A backlog A needs many slow rounds for (50 rows a round, three requests of 500 ms each).
        portal.Faults.Latency = Latency;
        for (var i = 0; i < Changes; i++)
        {
            var entity = i % 2 == 0 ? "deal" : "lead";
            var id = world.CallAsUser(portal, $"crm.{entity}.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"{entity} {i}" } }).Result!.ToString();
            if (i % 5 == 0)
            {
                world.CallAsUser(portal, $"crm.{entity}.update", new JsonObject { ["id"] = id, ["fields"] = new JsonObject { ["TITLE"] = $"{entity} {i} renamed" } });
            }

            if (i % 40 == 1)
            {
                world.CallAsUser(portal, $"crm.{entity}.delete", new JsonObject { ["id"] = id });
            }
        }

        await Wait.UntilAsync(
            async () => await _rig.Database.ScalarAsync("SELECT count(*) FROM drain_journal WHERE done") > 0,
            "instance A has synced and cleared a first round of the backlog");

        // Instance B: in this process, on the same database, started while A holds the portal's lease; it must skip the portal.
        // Instance B's drain steps on the portal, with the time each happened.
        var stepsOfB = new ConcurrentQueue<Step>();
        _rig.InstanceB = await StartInstanceBAsync(world, DrainProbe.AtEveryPhase(kind => stepsOfB.Enqueue(new Step(kind, DateTimeOffset.UtcNow))));
        await Wait.UntilAsync(
            () => _rig.InstanceB.Logs.Of(1350).Count > 0,
            "instance B tried the portal and skipped it because A holds the lease (event 1350)",
            TimeSpan.FromSeconds(30));

        // Mid-drain: A holds an unexpired lease and has a recorded reservation whose round is still in flight.
        Lease? held = null;
        await Wait.UntilAsync(
            async () =>
            {
                held = await ReadLeaseAsync(portal.MemberId);
                return held is not null && held.ExpiresAt > DateTimeOffset.UtcNow && !IsThisProcess(held.Owner) &&
                    await _rig.Database.ScalarAsync("SELECT count(*) FROM drain_journal WHERE NOT done") > 0;
            },
            "instance A holds the lease with a reservation in flight",
            TimeSpan.FromSeconds(30));
        Assert.Empty(stepsOfB);

        // The lease holder is the dotnet process this test started (its id is in the lease's owner): SIGKILL it.
        var pid = OwnerProcessId(held!.Owner);
        AssertIsInstanceA(pid);
        var killedAt = DateTimeOffset.UtcNow;
        var diedAt = await _rig.KillAsync(pid);

        // What A left behind: its lease, to run out on its own; reservations recorded but never cleared; rows reserved.
        var lastLeaseOfA = await ReadLeaseAsync(portal.MemberId);
        Assert.NotNull(lastLeaseOfA);
        Assert.Equal(held.Owner, lastLeaseOfA.Owner);
        var orphaned = await ProcessIdsAsync("SELECT process_id FROM drain_journal WHERE NOT done");
        Assert.NotEmpty(orphaned);
        Assert.True(portal.Queue.Depth(app, reserved: true) > 0, "A died holding reserved rows");
        var backlogAtKill = portal.Queue.Depth(app);
        portal.Faults.Latency = TimeSpan.Zero;

        var limit = LeaseDuration + PollInterval + Margin;
        var journal = _rig.InstanceB.Get<IReservationJournal>();
        await Wait.UntilAsync(
            async () => portal.Queue.Depth(app) == 0 && (await journal.KnownPendingAsync(portal.MemberId, Ct)).Count == 0,
            $"instance B has finished the portal A left with {backlogAtKill} rows (within lease {LeaseDuration.TotalSeconds} s + poll {PollInterval.TotalSeconds} s + margin {Margin.TotalSeconds} s)",
            limit);
        var finishedAt = DateTimeOffset.UtcNow;
        var steps = stepsOfB.ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"A (pid {pid}, fence {lastLeaseOfA.Fence}) killed at {killedAt:O} with {orphaned.Count} reservations recorded, {backlogAtKill} rows left; its lease expired at {lastLeaseOfA.ExpiresAt:O} (+{(lastLeaseOfA.ExpiresAt - killedAt).TotalSeconds:0.000} s); " +
            $"B's first drain step at {(steps.Count > 0 ? steps[0].At : default):O} (+{((steps.Count > 0 ? steps[0].At : killedAt) - killedAt).TotalSeconds:0.000} s); portal finished at +{(finishedAt - killedAt).TotalSeconds:0.000} s"));
        Assert.InRange(finishedAt - killedAt, TimeSpan.Zero, limit);

        // Takeover after expiry, never before: B's first drain step, and any call at all on the portal once A was
        // gone, come after the expiry of A's last lease.
        Assert.NotEmpty(steps);
        Assert.All(steps, s => Assert.True(s.At >= lastLeaseOfA.ExpiresAt, $"B's {s.Kind} at {s.At:O} came before A's lease expired at {lastLeaseOfA.ExpiresAt:O}"));
        Assert.Contains(steps, s => s.Kind == "Committed");
        var callsOnceAWasGone = portal.Stats.CallLog.Where(c => c.At > diedAt + Grace).ToList();
        Assert.All(callsOnceAWasGone, c => Assert.True(c.At >= lastLeaseOfA.ExpiresAt, $"{c.Method} at {c.At:O} reached the portal before A's lease expired at {lastLeaseOfA.ExpiresAt:O}"));
        var takenOver = callsOnceAWasGone.Where(c => c.ProcessId is { } p && orphaned.Contains(p)).ToList();
        Assert.NotEmpty(takenOver);
        Assert.Contains(_rig.InstanceB.Logs.Of(1303), e => e["Source"] == "journal");
        var leaseNow = await ReadLeaseAsync(portal.MemberId);
        Assert.NotNull(leaseNow);
        Assert.True(IsThisProcess(leaseNow.Owner), $"the lease is now held by {leaseNow.Owner}, not by instance B");
        Assert.True(leaseNow.Fence > lastLeaseOfA.Fence);

        // One drain per portal: never two reservations in flight at once, across A's life and B's takeover.
        Assert.Equal(1, portal.Stats.MaxConcurrentCallsOf("event.offline.get"));

        // Nothing lost: A's reservations were finished by B, no row is left (reserved, unreserved or error), no
        // dead letters, and the mirror holds every object as the portal does now.
        Assert.Empty(await ProcessIdsAsync("SELECT process_id FROM drain_journal WHERE NOT done"));
        Assert.Equal(orphaned.Count, await _rig.Database.ScalarAsync(
            $"SELECT count(*) FROM drain_journal WHERE done AND process_id IN ({string.Join(", ", orphaned.Select(Literal))})"));
        Assert.Equal(0, portal.Queue.Depth(app));
        Assert.Equal(0, await _rig.Database.ScalarAsync("SELECT count(*) FROM dead_letters"));
        await MirrorAssert.MatchesEmulatorAsync(_rig.InstanceB.Get<IMirrorStore>(), portal);
    }

    public ValueTask DisposeAsync() => _rig.DisposeAsync();

    private async Task<Uri> StartInstanceAAsync(BitrixWorld world)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Bitrix24:Resilience:BaseDelay"] = "00:00:00.010",
            ["Bitrix24:Resilience:MaxDelay"] = "00:00:00.050",
            ["Serilog:MinimumLevel:Default"] = "Debug",
            ["Metrics:Urls"] = "",
        };
        foreach (var (key, value) in await SharedSettingsAsync())
        {
            settings[key] = value;
        }

        // Small rounds, all in one turn: the backlog takes A many rounds, and A never lets the lease go between turns.
        settings["Sync:GetLimit"] = "10";
        settings["Sync:GetsPerRequest"] = "5";
        settings["Sync:RoundsPerTurn"] = "1000";

        await _rig.StartInstanceAAsync(world, settings);
        var baseAddress = new Uri($"http://127.0.0.1:{_rig.ListeningPortsOfA().First()}/");
        using var http = new HttpClient { BaseAddress = baseAddress };
        await Wait.UntilAsync(
            async () =>
            {
                using var ready = await http.GetAsync(new Uri("health/ready", UriKind.Relative), Ct);
                return ready.IsSuccessStatusCode;
            },
            "instance A answers ready");
        return new Uri(baseAddress, "bitrix24/events");
    }

    private async Task<ServiceHarness> StartInstanceBAsync(BitrixWorld world, DrainProbe progress)
    {
        var settings = await SharedSettingsAsync();
        settings["Bitrix24:Resilience:BaseDelay"] = "00:00:00.010";
        settings["Bitrix24:Resilience:MaxDelay"] = "00:00:00.050";
        return await ServiceHarness.StartAsync(world, settings, services: s => s.AddSingleton<IDrainProgress>(progress));
    }

    /// <summary>What both instances share: the database, the encryption key, the lease and the poll.</summary>
    private async Task<IDictionary<string, string?>> SharedSettingsAsync()
    {
        var settings = await _rig.Database.SettingsAsync();
        settings["Sync:PollInterval"] = PollInterval.ToString("c", CultureInfo.InvariantCulture);
        settings["Sync:LeaseDuration"] = LeaseDuration.ToString("c", CultureInfo.InvariantCulture);
        settings["Sync:RetryDelay"] = "00:00:00.200";
        return settings;
    }

    /// <summary>Installs through instance A and binds the offline events and the doorbell to it.</summary>
    private static async Task InstallAsync(BitrixWorld world, EmulatedPortal portal, Uri eventsUrl)
    {
        var outcome = await world.InstallAppAsync(portal, eventsUrl, cancellationToken: Ct);
        Assert.Equal(200, outcome.CallbackStatus);
        using var client = new RestClient(new HttpClient(), portal.ClientEndpoint, world.OAuth.LastIssued(portal, world.DefaultApp)!.AccessToken);
        (await client.CallAsync("event.bind", new JsonObject { ["event"] = "ONOFFLINEEVENT", ["handler"] = eventsUrl.ToString() }, Ct)).EnsureSuccess();
        foreach (var name in SyncFixture.AllEvents)
        {
            (await client.CallAsync("event.bind", new JsonObject { ["event"] = name, ["event_type"] = "offline" }, Ct)).EnsureSuccess();
        }
    }

    private async Task<Lease?> ReadLeaseAsync(string memberId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT owner, fence, expires_at FROM drain_leases WHERE member_id = @memberId", connection);
        command.Parameters.AddWithValue("memberId", memberId);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        return await reader.ReadAsync(Ct)
            ? new Lease(reader.GetString(0), reader.GetInt64(1), new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc)))
            : null;
    }

    private async Task<HashSet<string>> ProcessIdsAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(Ct))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection((await _rig.Database.SettingsAsync())["ConnectionStrings:Sync"]);
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A lease owner is "host/process id/random" (event 1352).</summary>
    private static int OwnerProcessId(string owner) => int.Parse(owner.Split('/')[1], CultureInfo.InvariantCulture);

    private static bool IsThisProcess(string owner) => OwnerProcessId(owner) == Environment.ProcessId;

    /// <summary>The process is this test's own child running the published service: the dotnet host itself, no wrapper.</summary>
    private static void AssertIsInstanceA(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Environment.ProcessId, parent);
        Assert.Equal(["dotnet", "Bitrix24OfflineSync.dll"], commandLine.Select(Path.GetFileName));
    }

    private sealed record Lease(string Owner, long Fence, DateTimeOffset ExpiresAt);

    private sealed record Step(string Kind, DateTimeOffset At);
}
