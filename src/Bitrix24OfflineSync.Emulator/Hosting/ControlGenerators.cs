using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Bitrix24OfflineSync.Emulator.Generator;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>
/// The change generators running in the background, at most one per portal. Kept per world so that the control
/// endpoints and the runnable app's start-up settings drive the same ones.
/// </summary>
internal sealed class ControlGenerators
{
    private static readonly ConditionalWeakTable<BitrixWorld, ControlGenerators> ByWorld = [];

    private readonly ConcurrentDictionary<string, Running> _running = new(StringComparer.OrdinalIgnoreCase);
    private readonly BitrixWorld _world;

    private ControlGenerators(BitrixWorld world) => _world = world;

    public static ControlGenerators Of(BitrixWorld world) => ByWorld.GetValue(world, w => new ControlGenerators(w));

    /// <summary>Starts a generator on the portal; false when one runs there already.</summary>
    public bool TryStart(EmulatedPortal portal, ChangeGeneratorOptions options, ILogger logger)
    {
        var generator = new ChangeGenerator(_world, portal, options);
        var stop = new CancellationTokenSource();
        // Created cold so that a stop racing the start always finds the task it has to wait for.
        var start = new Task<Task>(() => RunAsync(generator, logger, stop.Token));
        if (!_running.TryAdd(portal.Domain, new Running(generator, stop, start.Unwrap())))
        {
            stop.Dispose();
            return false;
        }

        start.Start(TaskScheduler.Default);
        return true;
    }

    /// <summary>Stops the portal's generator and waits for it; null when none was running.</summary>
    public async Task<ChangeGenerator?> StopAsync(EmulatedPortal portal)
    {
        if (!_running.TryRemove(portal.Domain, out var running))
        {
            return null;
        }

        await running.StopAsync().ConfigureAwait(false);
        return running.Generator;
    }

    public ChangeGenerator? Find(EmulatedPortal portal) => _running.GetValueOrDefault(portal.Domain)?.Generator;

    /// <summary>Cancels every generator without waiting, as the host stops.</summary>
    public void CancelAll()
    {
        foreach (var domain in _running.Keys)
        {
            if (_running.TryRemove(domain, out var running))
            {
                running.Cancel();
            }
        }
    }

    private static async Task RunAsync(ChangeGenerator generator, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await generator.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped on request.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A generator that dies must not take the emulator down with it; it is reported and stays stopped.
            ControlLog.GeneratorFailed(logger, ex, generator.Portal.Domain);
        }
    }

    private sealed class Running(ChangeGenerator generator, CancellationTokenSource stop, Task task)
    {
        public ChangeGenerator Generator { get; } = generator;

        public void Cancel()
        {
            stop.Cancel();
            _ = task.ContinueWith(_ => stop.Dispose(), TaskScheduler.Default);
        }

        public async Task StopAsync()
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await task.ConfigureAwait(false);
            stop.Dispose();
        }
    }
}
