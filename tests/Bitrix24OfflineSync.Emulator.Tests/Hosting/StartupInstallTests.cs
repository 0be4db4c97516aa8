using System.Net;
using System.Net.Sockets;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Emulator.Tests.Hosting;

/// <summary>
/// The runnable emulator installs the app at its start, often before the service is up: it asks again, backing off,
/// until the service answers, and says loudly, with the command to run, when it could not install.
/// </summary>
public sealed class StartupInstallTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AServiceNotUpYet_IsAskedAgainWithBackoff_UntilItTakesTheInstall()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        // A proxy in front of a service still starting answers 502 and 503.
        receiver.Answer(502, 503);
        await using var emulator = await EmulatorHarness.StartAsync();
        var portal = emulator.World.CreatePortal("late.bitrix24.com");
        var (installer, time, logs) = Installer(emulator);

        var installing = installer.InstallAsync(portal, new Uri(receiver.Url("/bitrix24/events")), Ct);
        // Fake time in steps much shorter than the backoff, so the give-up time is never passed by the steps alone.
        await Wait.UntilAsync(() => Step(time, installing, TimeSpan.FromMilliseconds(250)), "the install is taken");

        Assert.True(await installing);
        Assert.Equal(3, receiver.TakeAll().Count(r => r["event"] == "ONAPPINSTALL"));
        var waits = logs.GetSnapshot().Where(r => r.Id.Id == 9008).ToList();
        Assert.Equal(["answered 502", "answered 503"], waits.Select(r => r.GetStructuredStateValue("Answer")));
        Assert.Equal(["1", "2"], waits.Select(r => r.GetStructuredStateValue("DelaySeconds")));
        var installed = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 9003);
        Assert.Equal(LogLevel.Information, installed.Level);
        Assert.Equal("200", installed.GetStructuredStateValue("CallbackStatus"));
    }

    [Fact]
    public async Task AServiceThatNeverAnswers_IsGivenUpOnAfterTheBound_WithAnErrorSayingHowToInstall()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var portal = emulator.World.CreatePortal("nobody.bitrix24.com");
        var (installer, time, logs) = Installer(emulator);
        var nowhere = new Uri($"http://127.0.0.1:{ClosedPort()}/bitrix24/events");
        var started = time.GetUtcNow();

        var installing = installer.InstallAsync(portal, nowhere, Ct);
        await Wait.UntilAsync(() => Step(time, installing, TimeSpan.FromSeconds(1)), "the installer gives up");

        Assert.False(await installing);
        Assert.InRange(time.GetUtcNow() - started, EmulatorAppInstaller.GiveUpAfter - EmulatorAppInstaller.MaxDelay, EmulatorAppInstaller.GiveUpAfter + TimeSpan.FromSeconds(1));
        var attempts = portal.Deliveries.Of("ONAPPINSTALL");
        Assert.All(attempts, a => Assert.Null(a.StatusCode));
        // Backing off: one attempt a few seconds at first, then one every MaxDelay, far fewer than one a second.
        Assert.InRange(attempts.Count, 5, (int)(EmulatorAppInstaller.GiveUpAfter / EmulatorAppInstaller.MaxDelay) + 5);
        var gaveUp = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 9004);
        Assert.Equal(LogLevel.Error, gaveUp.Level);
        Assert.Equal(attempts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), gaveUp.GetStructuredStateValue("Attempts"));
        Assert.Contains($"curl -X POST {emulator.World.BaseAddress}_emulator/portals/nobody.bitrix24.com/install", gaveUp.Message, StringComparison.Ordinal);
        Assert.Contains($"\"installUrl\":\"{nowhere}\"", gaveUp.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Id == 9003);
    }

    [Fact]
    public async Task AnInstallTheServiceRefuses_IsNotAskedAgain_AndSaysHowToInstall()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.DefaultStatus = 401;
        await using var emulator = await EmulatorHarness.StartAsync();
        var portal = emulator.World.CreatePortal("refused.bitrix24.com");
        var (installer, _, logs) = Installer(emulator);

        var installed = await installer.InstallAsync(portal, new Uri(receiver.Url("/bitrix24/events")), Ct);

        Assert.False(installed);
        Assert.Single(receiver.TakeAll());
        var refused = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 9009);
        Assert.Equal(LogLevel.Error, refused.Level);
        Assert.Contains("_emulator/portals/refused.bitrix24.com/install", refused.Message, StringComparison.Ordinal);
    }

    private static (EmulatorAppInstaller Installer, DelayClock Time, FakeLogCollector Logs) Installer(EmulatorHarness emulator)
    {
        var time = new DelayClock();
        var logger = new FakeLogger();
        return (new EmulatorAppInstaller(emulator.World, time, logger), time, logger.Collector);
    }

    /// <summary>
    /// Moves fake time on while the installer waits out a delay; true once the install is done. Time stands still
    /// while an attempt is on the wire, as it nearly does for real (a refused connection takes microseconds): a step
    /// taken then would count toward the give-up time however slowly the machine ran the attempt.
    /// </summary>
    private static bool Step(DelayClock time, Task installing, TimeSpan step)
    {
        if (installing.IsCompleted)
        {
            return true;
        }

        if (time.Waiting)
        {
            time.Advance(step);
        }

        return false;
    }

    /// <summary>A fake clock that knows whether a timer it made is still to fire (a delay being waited out).</summary>
    private sealed class DelayClock() : FakeTimeProvider(TestClock.Start)
    {
        private int _pending;

        public bool Waiting => Volatile.Read(ref _pending) > 0;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _pending);
            var fired = 0;
            return base.CreateTimer(
                s =>
                {
                    if (Interlocked.Exchange(ref fired, 1) == 0)
                    {
                        Interlocked.Decrement(ref _pending);
                    }

                    callback(s);
                },
                state,
                dueTime,
                period);
        }
    }

    /// <summary>A loopback port nothing listens on: taken, then let go.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
