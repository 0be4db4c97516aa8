using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator;

/// <summary>
/// Installs the default app on a portal at the emulator's start, as a portal admin would, and waits for the service
/// to take it: the service is often started at the same time and not up yet. ONAPPINSTALL is posted again, backing off
/// from <see cref="FirstDelay"/> to <see cref="MaxDelay"/>, while nothing answers or the answer is a 5xx (a proxy in
/// front of a service still starting), for <see cref="GiveUpAfter"/> at most. A 2xx is an install the service took; a
/// 4xx is one it refused, and asking again would be refused again. Either way the outcome is logged, and an install
/// that did not happen says how to do it once the service is up.
/// </summary>
internal sealed class EmulatorAppInstaller(BitrixWorld world, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    /// <summary>Long enough for a service started at the same moment to be built and started on a slow machine.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(5);

    /// <summary>True when the service answered the install with a 2xx.</summary>
    public async Task<bool> InstallAsync(EmulatedPortal portal, Uri installUrl, CancellationToken cancellationToken)
    {
        var app = world.DefaultApp;
        var deadline = time.GetUtcNow() + GiveUpAfter;
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            int? status;
            try
            {
                status = (await world.InstallAppAsync(portal, installUrl, app, cancellationToken).ConfigureAwait(false)).CallbackStatus;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            if (status is >= 200 and < 300)
            {
                EmulatorAppLog.Installed(logger, app.ClientId, portal.Domain, installUrl, status.Value);
                return true;
            }

            var answer = status is { } code ? $"answered {code}" : "got no answer";
            if (status is >= 400 and < 500)
            {
                EmulatorAppLog.InstallRefused(logger, app.ClientId, portal.Domain, installUrl, status.Value, HowToInstall(portal, installUrl));
                return false;
            }

            if (time.GetUtcNow() + delay > deadline)
            {
                EmulatorAppLog.InstallGaveUp(logger, app.ClientId, portal.Domain, installUrl, answer, attempt, HowToInstall(portal, installUrl));
                return false;
            }

            EmulatorAppLog.InstallWaiting(logger, portal.Domain, installUrl, answer, attempt, delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    /// <summary>The control API call that installs the app again, ready to paste.</summary>
    public string HowToInstall(EmulatedPortal portal, Uri installUrl) =>
        $"curl -X POST {new Uri(world.BaseAddress, $"_emulator/portals/{portal.Domain}/install")} -H 'Content-Type: application/json' -d '{{\"installUrl\":\"{installUrl}\"}}'";
}
