using System.Threading.Channels;

namespace Bitrix24OfflineSync.Portals;

/// <summary>
/// The wake-up channel of the drain worker: which portals are queued for a turn or in one. It only wakes: the
/// durable dirty mark lives in the store, and a periodic poll catches what a lost wake-up would strand. A portal
/// already queued is not queued twice, and a wake-up during a portal's turn only marks the turn to go round again, so
/// a burst of doorbells for a portal being drained costs the worker nothing.
/// </summary>
internal sealed class PortalWakeUps
{
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Phase> _phases = new(StringComparer.Ordinal);

    private enum Phase
    {
        Queued,
        Running,
        RunningAndWoken,
    }

    public void Wake(string memberId)
    {
        lock (_sync)
        {
            if (!_phases.TryGetValue(memberId, out var phase))
            {
                _phases[memberId] = Phase.Queued;
                _channel.Writer.TryWrite(memberId);
            }
            else if (phase == Phase.Running)
            {
                _phases[memberId] = Phase.RunningAndWoken;
            }
        }
    }

    /// <summary>Whether the portal was woken while in its turn: work that can wait (a load step) yields to the drain.</summary>
    public bool WokenDuringTurn(string memberId)
    {
        lock (_sync)
        {
            return _phases.GetValueOrDefault(memberId) == Phase.RunningAndWoken;
        }
    }

    /// <summary>The next queued portal, now counted as in its turn until <see cref="Finished"/>.</summary>
    public async ValueTask<string> TakeAsync(CancellationToken cancellationToken)
    {
        var memberId = await _channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_sync)
        {
            _phases[memberId] = Phase.Running;
        }

        return memberId;
    }

    /// <summary>Ends a portal's turn: it is queued again when woken during the turn or when <paramref name="goAgain"/>.</summary>
    public void Finished(string memberId, bool goAgain)
    {
        lock (_sync)
        {
            if (goAgain || _phases.GetValueOrDefault(memberId) == Phase.RunningAndWoken)
            {
                _phases[memberId] = Phase.Queued;
                _channel.Writer.TryWrite(memberId);
            }
            else
            {
                _phases.Remove(memberId);
            }
        }
    }
}
