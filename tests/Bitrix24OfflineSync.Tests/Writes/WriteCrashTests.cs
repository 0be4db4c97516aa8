using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Deployment;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.Tests.Telemetry;

namespace Bitrix24OfflineSync.Tests.Writes;

/// <summary>
/// An instance that really dies while it applies writes: instance A, the published service in its own OS process, is
/// SIGKILLed with writes sent and unanswered; instance B, on the same PostgreSQL database, takes the portal over once
/// A's lease has expired and finishes them. No write is lost, none is applied twice (one deal per origin), and every
/// read-back reaches the mirror. Skipped, with the reason, without <c>B24SYNC_TEST_POSTGRES</c> or where the published
/// service cannot be built and run.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class WriteCrashTests : IAsyncDisposable
{
    private const int Creates = 200;
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private readonly CrashRig _rig = new();

    [Fact]
    public async Task AnInstanceKilledWhileApplyingWrites_AnotherFinishesThem_NoneLostNoneTwice()
    {
        var world = await _rig.StartAsync();
        var settings = await SharedSettingsAsync();
        var (eventsA, apiA) = await StartInstanceAAsync(world, settings);
        var portal = world.CreatePortal("crash-writes.bitrix24.com");
        Assert.Equal(200, (await world.InstallAppAsync(portal, eventsA, cancellationToken: Ct)).CallbackStatus);

        // Every request slow, and a handful of writes a turn: A is killed with a batch of creates in flight.
        portal.Faults.Latency = TimeSpan.FromMilliseconds(400);
        using (apiA)
        {
            var writes = new JsonArray([.. Enumerable.Range(0, Creates).Select(i => (JsonNode)new JsonObject
            {
                ["key"] = $"crash-{i}", ["entity"] = "crm.deal", ["action"] = "create", ["fields"] = new JsonObject { ["TITLE"] = $"Deal {i}" },
            })]);
            using var body = new StringContent(new JsonObject { ["writes"] = writes }.ToJsonString(), Encoding.UTF8, "application/json");
            using var accepted = await apiA.PostAsync($"api/v1/portals/{portal.MemberId}/writes", body, Ct);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        await Wait.UntilAsync(
            async () => await _rig.Database.ScalarAsync("SELECT count(*) FROM writes WHERE status = 'applied'") >= 20 &&
                        await _rig.Database.ScalarAsync("SELECT count(*) FROM writes WHERE status = 'applying'") > 0,
            "instance A has applied some writes and has more in flight");
        await _rig.KillAsync(_rig.InstanceA!.ProcessId);
        var appliedByA = await _rig.Database.ScalarAsync("SELECT count(*) FROM writes WHERE status = 'applied'");
        portal.Faults.Latency = TimeSpan.Zero;

        _rig.InstanceB = await ServiceHarness.StartAsync(world, settings);
        await Wait.UntilAsync(
            async () => await _rig.Database.ScalarAsync("SELECT count(*) FROM writes WHERE status <> 'applied'") == 0,
            "instance B has applied every write A left");

        TestContext.Current.TestOutputHelper?.WriteLine($"A applied {appliedByA} of {Creates} writes before it was killed");
        Assert.InRange(appliedByA, 1, Creates - 1);
        var deals = portal.Crm.Snapshot(CrmEntityType.Deal);
        Assert.Equal(Creates, deals.Count);
        Assert.Equal(Creates, deals.Select(d => d["ORIGIN_ID"]!.GetValue<string>()).Distinct(StringComparer.Ordinal).Count());
        var rows = await _rig.InstanceB.Get<IMirrorStore>().ListAsync(portal.MemberId, Ct);
        Assert.Equal(Creates, rows.Count(r => r.WriteKey is { } key && key.StartsWith("crash-", StringComparison.Ordinal)));
    }

    private async Task<(Uri EventsUrl, HttpClient Api)> StartInstanceAAsync(BitrixWorld world, IDictionary<string, string?> settings)
    {
        var management = MetricsKit.FreePort();
        await _rig.StartInstanceAAsync(world, new Dictionary<string, string?>(settings)
        {
            ["Metrics:Urls"] = $"http://127.0.0.1:{management}",
            ["WriteApi:WritesPerTurn"] = "10",
        });
        var port = _rig.ListeningPortsOfA().First(p => p != management.ToString(CultureInfo.InvariantCulture));
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{management}/") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WriteKit.ApiKey);
        return (new Uri($"http://127.0.0.1:{port}/bitrix24/events"), api);
    }

    /// <summary>What both instances share: the database, the key, the write API's key, a short lease and poll.</summary>
    private async Task<IDictionary<string, string?>> SharedSettingsAsync()
    {
        var settings = await _rig.Database.SettingsAsync();
        settings["Sync:PollInterval"] = "00:00:01";
        settings["Sync:LeaseDuration"] = "00:00:05";
        settings["Sync:RetryDelay"] = "00:00:00.200";
        settings["Sync:MinDrainInterval"] = "00:00:00";
        settings["WriteApi:Keys"] = WriteKit.ApiKey;
        settings["Metrics:Urls"] = $"http://127.0.0.1:{MetricsKit.FreePort()}";
        settings["Bitrix24:AuthConnector"] = WriteKit.Connector;
        return settings;
    }

    public ValueTask DisposeAsync() => _rig.DisposeAsync();
}
