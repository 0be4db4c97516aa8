using System.Collections.Concurrent;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Events;

/// <summary>
/// The finalize steps that write a hit's offline rows and start its deliveries after the hit has answered, as the
/// server's background job does (<c>ProviderOffline::registerFinalize</c>). Each waits
/// <see cref="EmulatorOptions.OfflineWriteDelay"/>, then its portal's earlier steps, so a portal's changes reach its
/// queue in the order they were made. Every step started is kept until it ends, so tests and disposal can wait.
/// </summary>
internal sealed class BackgroundWrites(BitrixWorld world)
{
    private readonly ConcurrentDictionary<Task, bool> _pending = new();
    private readonly Lock _sync = new();
    private readonly Dictionary<EmulatedPortal, Task> _lastOfPortal = [];

    public void Start(EmulatedPortal portal, Action write)
    {
        Task task;
        lock (_sync)
        {
            task = RunAsync(_lastOfPortal.GetValueOrDefault(portal) ?? Task.CompletedTask, write);
            _lastOfPortal[portal] = task;
        }

        _pending[task] = true;
        _ = task.ContinueWith(
            done =>
            {
                _pending.TryRemove(done, out _);
                lock (_sync)
                {
                    if (_lastOfPortal.TryGetValue(portal, out var last) && last == done)
                    {
                        _lastOfPortal.Remove(portal);
                    }
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Completes when every step started before the call has ended.</summary>
    public Task WhenWrittenAsync(CancellationToken cancellationToken) => Task.WhenAll(_pending.Keys).WaitAsync(cancellationToken);

    private async Task RunAsync(Task previous, Action write)
    {
        var delay = world.Options.OfflineWriteDelay;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, world.Time).ConfigureAwait(false);
        }
        else
        {
            // Even without a delay the rows are written after the hit, never inside it.
            await Task.Yield();
        }

        // A failed earlier step must not hold back the portal's later ones; its own task reports the failure.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        write();
    }
}
