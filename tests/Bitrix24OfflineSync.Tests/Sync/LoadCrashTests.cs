using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Sinks.Database;
using Bitrix24OfflineSync.Sync.Passes;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Deployment;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Bitrix24OfflineSync.Tests.Sync;

/// <summary>
/// A load that really dies: the published service, in its own process, is SIGKILLed in the middle of a portal's
/// initial load; the service started again on its data resumes the load from the stored cursor, neither from zero nor
/// past a range it had not committed, and the mirror ends equal to the portal. Skipped, with the reason, where the
/// published service cannot be built and run.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed partial class LoadCrashTests : IAsyncDisposable
{
    private const int KilledBySigkill = 137;
    private const int Deals = 25_000;
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private PublishedAppFixture? _published;
    private ChildProcess? _first;
    private ServiceHarness? _second;
    private EmulatorServer? _emulator;

    [Fact]
    public async Task AServiceKilledMidLoad_ResumesFromTheStoredCursor_AndTheMirrorEndsComplete()
    {
        _published = new PublishedAppFixture();
        await _published.InitializeAsync();
        if (_published.SkipReason is { } reason)
        {
            Skip.Because(reason);
        }

        var options = new EmulatorOptions { Seed = 17 };
        options.RateLimit.Enabled = false;
        _emulator = await EmulatorServer.StartAsync(new BitrixWorld(options), cancellationToken: Ct);
        var world = _emulator.World;
        var portal = world.CreatePortal("load.bitrix24.com");
        world.Seed(portal, "crm.deal", Deals, seed: 9);
        var data = Path.Combine(_published.Root, "data");

        // The first life: the published service, loading slowly (every request takes 400 ms).
        var (first, eventsUrl) = await StartFirstAsync(world, data);
        portal.Faults.Latency = TimeSpan.FromMilliseconds(400);
        Assert.Equal(200, (await world.InstallAppAsync(portal, eventsUrl, cancellationToken: Ct)).CallbackStatus);
        await Wait.UntilAsync(async () => await CursorAsync(data, portal.MemberId) >= 5_000, "the first life has loaded 5,000 deals");

        using (var victim = Process.GetProcessById(first.ProcessId))
        {
            victim.Kill();
        }

        await Wait.UntilAsync(() => first.HasExited, "the first life has died", TimeSpan.FromSeconds(10));
        Assert.Equal(KilledBySigkill, first.ExitCode);
        // A request the first life sent may still be in the emulator (it sleeps out its latency): wait until none is,
        // so every call logged after this point is the second life's. A reset starts the peak gauge from the requests
        // in flight now; the log it clears is older than anything the assertions below look at.
        await Wait.UntilAsync(
            () =>
            {
                portal.Stats.Reset();
                return portal.Stats.MaxConcurrentRequests == 0;
            },
            "no request of the first life is left in the emulator",
            TimeSpan.FromSeconds(30));
        var cursorAtKill = await CursorAsync(data, portal.MemberId);
        Assert.InRange(cursorAtKill, 5_000, Deals - 2_500);
        var afterKill = world.NextSequence();
        portal.Faults.Latency = TimeSpan.Zero;

        // The second life, on the same data: it resumes, as any restart or another replica would.
        _second = await ServiceHarness.StartAsync(world, Settings(), dataDirectory: data);
        await _second.WaitUntilLoadedAsync(portal.MemberId);

        var lists = portal.Stats.CallLog.Where(e => e.Sequence > afterKill && e.Method == "crm.deal.list").GroupBy(e => e.RequestId).ToList();
        // From the cursor on, once: a page of 50 ids for each range left, 50 pages to a request; none before the cursor.
        Assert.Equal((Deals - cursorAtKill + 49) / 50, lists.Sum(g => g.Count()));
        Assert.Equal((Deals - cursorAtKill + 2_499) / 2_500, lists.Count);
        var pass = (await _second.Get<IPassStore>().ForPortalAsync(portal.MemberId, Ct)).Single(p => p.Entity == "crm.deal" && p.Kind == PassKind.Load);
        Assert.Equal((long)Deals, pass.MaxId);
        await MirrorAssert.MatchesEmulatorAsync(_second.Get<IMirrorStore>(), portal);
    }

    public async ValueTask DisposeAsync()
    {
        _first?.Dispose();
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        if (_published is not null)
        {
            await _published.DisposeAsync();
        }
    }

    // A short lease: the second life takes the portal up once the dead one's lease has run out.
    private static Dictionary<string, string?> Settings() => new()
    {
        ["Sync:PollInterval"] = "00:00:01",
        ["Sync:LeaseDuration"] = "00:00:03",
        ["Bitrix24:Resilience:BaseDelay"] = "00:00:00.010",
        ["Bitrix24:Resilience:MaxDelay"] = "00:00:00.050",
    };

    private async Task<(ChildProcess Instance, Uri EventsUrl)> StartFirstAsync(BitrixWorld world, string data)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_ENVIRONMENT"] = null,
            ["DOTNET_ENVIRONMENT"] = null,
            ["Storage__DataDirectory"] = data,
            ["Bitrix24__ClientId"] = world.DefaultApp.ClientId,
            ["Bitrix24__ClientSecret"] = world.DefaultApp.ClientSecret,
            ["Bitrix24__OAuthServer"] = world.OAuthServerAddress.ToString(),
            ["Bitrix24__AllowInsecureEndpoints"] = "true",
            ["Sync__RoundsPerTurn"] = "1000",
            ["Metrics__Urls"] = "",
        };
        foreach (var (key, value) in Settings())
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        _first = ChildProcess.Start("dotnet", ["Bitrix24OfflineSync.dll"], _published!.AppDirectory, environment);
        await Wait.ForAsync(cancellationToken => _first.WaitForLineAsync("Now listening on", cancellationToken), "the first life logs 'Now listening on'");
        var line = _first.Output.Split('\n').First(l => l.Contains("Now listening on", StringComparison.Ordinal));
        var baseAddress = new Uri($"http://127.0.0.1:{ListeningPort().Match(line).Groups[1].Value}/");
        return (_first, new Uri(baseAddress, "bitrix24/events"));
    }

    /// <summary>The load's stored cursor, read under the service as an operator's sqlite3 would.</summary>
    private static async Task<long> CursorAsync(string data, string memberId)
    {
        var path = Path.Combine(data, "sync.db");
        if (!File.Exists(path))
        {
            return 0;
        }

        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT cursor FROM sync_passes WHERE member_id = $m AND entity = 'crm.deal' AND kind = 'load'";
        command.Parameters.AddWithValue("$m", memberId);
        try
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(Ct) ?? 0L, CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            // The schema is not there yet.
            return 0;
        }
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningPort();
}
