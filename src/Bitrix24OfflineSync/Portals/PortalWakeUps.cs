using System.Threading.Channels;

namespace Bitrix24OfflineSync.Portals;

/// <summary>
/// The wake-up channel of the drain worker: which portals are queued for a turn, in one, or resting after one. It only
/// wakes: the durable dirty mark lives in the store, and a periodic poll catches what a lost wake-up would strand. A
/// portal already queued is not queued twice; a wake-up during a portal's turn marks the turn to go round again, and a
/// wake-up while it rests (the drain's cadence) queues it when the rest ends, so a burst of doorbells for one portal
/// costs the worker one turn per rest.
/// </summary>
internal sealed class PortalWakeUps(TimeProvider time)
{
    /// <summary>A follow-up closer than this to one already set is not moved: a burst of doorbells sets it a few times a second at most.</summary>
    private static readonly TimeSpan FollowUpSlack = TimeSpan.FromMilliseconds(250);

    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Phase> _phases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FollowUp> _followUps = new(StringComparer.Ordinal);

    private enum Phase
    {
        Queued,
        Running,
        RunningAndWoken,
        Resting,
        RestingAndWoken,
    }

    public void Wake(string memberId)
    {
        lock (_sync)
        {
            if (!_phases.TryGetValue(memberId, out var phase))
            {
                Queue(memberId);
            }
            else if (phase is Phase.Running or Phase.Resting)
            {
                _phases[memberId] = phase == Phase.Running ? Phase.RunningAndWoken : Phase.RestingAndWoken;
            }
        }
    }

    /// <summary>
    /// Wakes the portal once more after <paramref name="delay"/> from now (later wake-ups of the same kind move it
    /// later): a doorbell asks for one, as changes inside its <c>minTimeout</c> ring no doorbell of their own.
    /// </summary>
    public void WakeAgainAfter(string memberId, TimeSpan delay)
    {
        var due = time.GetUtcNow() + delay;
        lock (_sync)
        {
            if (_followUps.TryGetValue(memberId, out var followUp))
            {
                if (due - followUp.Due > FollowUpSlack)
                {
                    followUp.Due = due;
                    followUp.Timer.Change(delay, Timeout.InfiniteTimeSpan);
                }

                return;
            }

            var timer = time.CreateTimer(FollowUpDue, memberId, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _followUps[memberId] = new FollowUp(timer) { Due = due };
            timer.Change(delay, Timeout.InfiniteTimeSpan);
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

    /// <summary>
    /// Ends a portal's turn. With <paramref name="goAgain"/> it is queued at once (the turn left work). Otherwise it
    /// rests for <paramref name="rest"/>: a wake-up during the turn or the rest queues it when the rest ends, and
    /// without one it leaves the channel.
    /// </summary>
    public void Finished(string memberId, bool goAgain, TimeSpan rest)
    {
        lock (_sync)
        {
            var woken = _phases.GetValueOrDefault(memberId) == Phase.RunningAndWoken;
            if (goAgain || (woken && rest <= TimeSpan.Zero))
            {
                Queue(memberId);
            }
            else if (rest > TimeSpan.Zero)
            {
                _phases[memberId] = woken ? Phase.RestingAndWoken : Phase.Resting;
                _ = RestAsync(memberId, rest);
            }
            else
            {
                _phases.Remove(memberId);
            }
        }
    }

    private async Task RestAsync(string memberId, TimeSpan rest)
    {
        await Task.Delay(rest, time).ConfigureAwait(false);
        lock (_sync)
        {
            var phase = _phases.GetValueOrDefault(memberId);
            if (phase == Phase.RestingAndWoken)
            {
                Queue(memberId);
            }
            else if (phase == Phase.Resting)
            {
                _phases.Remove(memberId);
            }
        }
    }

    private void FollowUpDue(object? state)
    {
        var memberId = (string)state!;
        lock (_sync)
        {
            if (_followUps.TryGetValue(memberId, out var followUp))
            {
                var left = followUp.Due - time.GetUtcNow();
                if (left > TimeSpan.Zero)
                {
                    // Moved later while this call was on its way.
                    followUp.Timer.Change(left, Timeout.InfiniteTimeSpan);
                    return;
                }

                _followUps.Remove(memberId);
                followUp.Timer.Dispose();
            }
        }

        Wake(memberId);
    }

    /// <summary>Called under the lock.</summary>
    private void Queue(string memberId)
    {
        _phases[memberId] = Phase.Queued;
        _channel.Writer.TryWrite(memberId);
    }

    private sealed class FollowUp(ITimer timer)
    {
        public ITimer Timer { get; } = timer;

        public DateTimeOffset Due { get; set; }
    }
}
