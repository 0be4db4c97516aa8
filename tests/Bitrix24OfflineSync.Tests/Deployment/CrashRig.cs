using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Emulator;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.Tests.Persistence;

namespace Bitrix24OfflineSync.Tests.Deployment;

/// <summary>
/// What a test of an instance that really dies needs: a PostgreSQL database both instances share, the published
/// service run as instance A in its own OS process (so a SIGKILL is a real death), the emulator, and instance B in
/// this process. It owns them all and stops them in one place, so each crash test keeps only its own story.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed partial class CrashRig : IAsyncDisposable
{
    /// <summary>SIGKILL's exit status as .NET reports a child killed by a signal: 128 + 9.</summary>
    public const int KilledBySigkill = 137;

    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private PublishedAppFixture? _published;
    private EmulatorServer? _emulator;

    public PostgresTarget Database { get; } = new();

    public ChildProcess? InstanceA { get; private set; }

    public ServiceHarness? InstanceB { get; set; }

    /// <summary>
    /// Skips the test, with the reason, without <c>B24SYNC_TEST_POSTGRES</c> or where the published service cannot be
    /// built and run; otherwise starts the emulator (seed 11, no rate limit) and returns its world.
    /// </summary>
    public async Task<BitrixWorld> StartAsync()
    {
        _ = PostgresTarget.Server;
        _published = new PublishedAppFixture();
        await _published.InitializeAsync();
        if (_published.SkipReason is { } reason)
        {
            Skip.Because(reason);
        }

        var options = new EmulatorOptions { Seed = 11 };
        options.RateLimit.Enabled = false;
        _emulator = await EmulatorServer.StartAsync(new BitrixWorld(options), cancellationToken: Ct);
        return _emulator.World;
    }

    /// <summary>
    /// Starts instance A: the published service, run as <c>dotnet Bitrix24OfflineSync.dll</c> (no wrapper), configured
    /// by its environment (the settings given, in order, over the app's credentials and its own data directory).
    /// </summary>
    public async Task<ChildProcess> StartInstanceAAsync(BitrixWorld world, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_ENVIRONMENT"] = null,
            ["DOTNET_ENVIRONMENT"] = null,
            ["Storage__DataDirectory"] = Path.Combine(_published!.Root, "data-a"),
            ["Bitrix24__ClientId"] = world.DefaultApp.ClientId,
            ["Bitrix24__ClientSecret"] = world.DefaultApp.ClientSecret,
            ["Bitrix24__OAuthServer"] = world.OAuthServerAddress.ToString(),
            ["Bitrix24__AllowInsecureEndpoints"] = "true",
        };
        foreach (var (key, value) in settings)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        InstanceA = ChildProcess.Start("dotnet", ["Bitrix24OfflineSync.dll"], _published.AppDirectory, environment);
        await Wait.ForAsync(cancellationToken => InstanceA.WaitForLineAsync("Now listening on", cancellationToken), "instance A logs 'Now listening on'");
        return InstanceA;
    }

    /// <summary>The loopback ports instance A has logged it listens on, in the order it logged them.</summary>
    public IEnumerable<string> ListeningPortsOfA() =>
        InstanceA!.Output.Split('\n').Select(l => ListeningPort().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value);

    /// <summary>SIGKILLs the process, waits for instance A to die and checks it died of the signal; returns when it was seen dead.</summary>
    public async Task<DateTimeOffset> KillAsync(int processId)
    {
        using (var victim = Process.GetProcessById(processId))
        {
            victim.Kill();
        }

        await Wait.UntilAsync(() => InstanceA!.HasExited, "instance A has died", TimeSpan.FromSeconds(10));
        var diedAt = DateTimeOffset.UtcNow;
        Assert.Equal(KilledBySigkill, InstanceA!.ExitCode);
        return diedAt;
    }

    public async ValueTask DisposeAsync()
    {
        InstanceA?.Dispose();
        if (InstanceB is not null)
        {
            await InstanceB.DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        await Database.DisposeAsync();
        if (_published is not null)
        {
            await _published.DisposeAsync();
        }
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningPort();
}
