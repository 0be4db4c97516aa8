using Bitrix24OfflineSync.Emulator.Diagnostics;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Portals;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Emulator;

/// <summary>The runnable emulator: <c>dotnet run --project src/Bitrix24OfflineSync.Emulator</c>.</summary>
internal static class EmulatorApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddEmulatorSettings(builder.Configuration);
        BitrixWorld? counted = null;
        builder.WebHost.CountConnections(() => counted);
        await using var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EmulatorApp).Namespace!);

        var options = Resolve<EmulatorOptions>(app.Services, out var failures);
        var settings = Resolve<EmulatorAppOptions>(app.Services, out var appFailures);
        if (options is null || settings is null)
        {
            foreach (var failure in failures.Concat(appFailures))
            {
                EmulatorAppLog.InvalidSettings(logger, failure);
            }

            return 2;
        }

        await using var world = new BitrixWorld(options);
        counted = world;
        foreach (var domain in settings.Portals)
        {
            world.CreatePortal(domain);
        }

        app.MapEmulator(world);
        await app.StartAsync().ConfigureAwait(false);
        world.BaseAddress = EmulatorServer.ListeningAddress(app);
        Announce(world, logger);
        var installed = await InstallAsync(world, settings, logger, app.Lifetime.ApplicationStopping).ConfigureAwait(false);
        StartGenerators(world, settings, installed, logger);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>Reads validated options, collecting the failures so that every wrong setting is reported at once.</summary>
    private static T? Resolve<T>(IServiceProvider services, out IEnumerable<string> failures)
        where T : class
    {
        try
        {
            failures = [];
            return services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            failures = ex.Failures;
            return null;
        }
    }

    private static void Announce(BitrixWorld world, ILogger logger)
    {
        var tokenEndpoint = new Uri(world.OAuthServerAddress, "oauth/token/");
        EmulatorAppLog.Listening(logger, world.BaseAddress, tokenEndpoint);
        foreach (var app in world.Apps)
        {
            EmulatorAppLog.AppRegistered(logger, app.ClientId, app.Scope);
        }

        foreach (var portal in world.Portals.OrderBy(p => p.Domain, StringComparer.OrdinalIgnoreCase))
        {
            EmulatorAppLog.PortalReady(logger, portal.Domain, portal.MemberId, portal.ClientEndpoint);
        }
    }

    /// <summary>
    /// Installs the default app everywhere, as a portal admin would, waiting for the service to answer; returns the
    /// portals the service took. One that did not is logged with how to install it, and the emulator runs on.
    /// </summary>
    private static async Task<IReadOnlySet<EmulatedPortal>> InstallAsync(BitrixWorld world, EmulatorAppOptions settings, ILogger logger, CancellationToken cancellationToken)
    {
        var installed = new HashSet<EmulatedPortal>();
        var installer = new EmulatorAppInstaller(world, TimeProvider.System, logger);
        foreach (var portal in world.Portals.OrderBy(p => p.Domain, StringComparer.OrdinalIgnoreCase))
        {
            if (string.IsNullOrEmpty(settings.InstallUrl))
            {
                EmulatorAppLog.NotInstalled(logger, portal.Domain);
            }
            else if (await installer.InstallAsync(portal, new Uri(settings.InstallUrl), cancellationToken).ConfigureAwait(false))
            {
                installed.Add(portal);
            }
        }

        return installed;
    }

    /// <summary>
    /// Starts the change generator on the portals the app is installed on; without an install URL (the app is to be
    /// installed through the control API) on every portal. On a portal whose install failed it is not started: it says so.
    /// </summary>
    private static void StartGenerators(BitrixWorld world, EmulatorAppOptions settings, IReadOnlySet<EmulatedPortal> installed, ILogger logger)
    {
        if (settings.Generator is not { } options)
        {
            return;
        }

        var generators = ControlGenerators.Of(world);
        foreach (var portal in world.Portals)
        {
            if (!string.IsNullOrEmpty(settings.InstallUrl) && !installed.Contains(portal))
            {
                var start = new Uri(world.BaseAddress, $"_emulator/portals/{portal.Domain}/generator/start");
                EmulatorAppLog.GeneratorNotStarted(logger, portal.Domain, FormattableString.Invariant(
                    $"curl -X POST {start} -H 'Content-Type: application/json' -d '{{\"objects\":{options.Objects},\"changesPerSecond\":{options.ChangesPerSecond}}}'"));
            }
            else if (generators.TryStart(portal, options, logger))
            {
                EmulatorAppLog.GeneratorStarted(logger, portal.Domain, options.ChangesPerSecond, options.Objects);
            }
        }
    }
}
