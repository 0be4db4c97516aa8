using Bitrix24OfflineSync.Portals;

namespace Bitrix24OfflineSync.Sync.Scheduling;

/// <summary>
/// When each portal's turn runs. A portal is idle, ready in one of two lines (<see cref="ReadyLine"/>; the urgent one is
/// always served first), in its turn, or resting after one (the cadence, <see cref="SyncOptions.MinDrainInterval"/>).
/// A portal is never ready twice: a wake-up while it is ready in the background line moves it to the urgent one, a
/// wake-up during its turn makes it go round again, and one during its rest readies it when the rest ends, so a burst of
/// doorbells costs one turn per rest. A background wake-up during a turn or rest is dropped: that turn answers it. Everything timed (rests, retries, operating-time pauses, a doorbell's look-again,
/// drift checks) waits in one heap (<see cref="DueTimers"/>). The safety net (<see cref="SafetyNet"/>) feeds the
/// background line.
/// </summary>
internal sealed class DrainScheduler : IPortalWaker, IDisposable
{
    private readonly TimeProvider _time;
    private readonly DueTimers _timers;
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly Queue<string> _urgent = new();
    private readonly Queue<string> _background = new();
    private readonly SemaphoreSlim _ready = new(0);
    private int _readyUrgent;
    private int _readyBackground;
    private int _inFlight;

    public DrainScheduler(TimeProvider time)
    {
        _time = time;
        _timers = new DueTimers(time, OnDue);
    }

    private enum Phase
    {
        Ready,
        Running,
        Resting,
    }

    /// <summary>Portals ready in the line (a gauge).</summary>
    public int ReadyIn(ReadyLine line) => Volatile.Read(ref line == ReadyLine.Urgent ? ref _readyUrgent : ref _readyBackground);

    /// <summary>Turns taken and not yet finished (a gauge).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Due times waiting in the heap (a gauge).</summary>
    public int TimersPending => _timers.Count;

    public void Wake(string memberId) => _ = Wake(memberId, ReadyLine.Urgent);

    public void WakeAgainAfter(string memberId, TimeSpan delay) => _timers.Set(memberId, DueReason.FollowUp, _time.GetUtcNow() + delay);

    /// <summary>
    /// Readies the portal in <paramref name="line"/>, or, in its turn or rest, has it go round once more after. Answers
    /// false when the wake-up is dropped: a background one during the portal's turn or rest, which that turn answers.
    /// </summary>
    public bool Wake(string memberId, ReadyLine line)
    {
        lock (_sync)
        {
            if (!_slots.TryGetValue(memberId, out var slot))
            {
                _slots[memberId] = slot = new Slot();
                ReadyLocked(memberId, slot, line);
            }
            else if (slot.Phase == Phase.Ready)
            {
                if (line == ReadyLine.Urgent && slot.Line == ReadyLine.Background)
                {
                    // Moved up: the entry left in the background line is skipped when it comes up.
                    _readyBackground--;
                    ReadyLocked(memberId, slot, line);
                }
            }
            else if (line == ReadyLine.Urgent)
            {
                // News during a turn or its rest: another turn after.
                slot.WokenFor = ReadyLine.Urgent;
            }
            else
            {
                // The safety net's asking is answered by this turn.
                return false;
            }

            return true;
        }
    }

    /// <summary>Wakes the portal at <paramref name="due"/> for <paramref name="reason"/> (see <see cref="DueReason"/>).</summary>
    public void WakeAt(string memberId, DueReason reason, DateTimeOffset due) => _timers.Set(memberId, reason, due);

    /// <summary>Whether the portal was woken while in its turn: work that can wait (a load step) yields to the drain.</summary>
    public bool WokenDuringTurn(string memberId)
    {
        lock (_sync)
        {
            return _slots.TryGetValue(memberId, out var slot) && slot.Phase == Phase.Running && slot.WokenFor == ReadyLine.Urgent;
        }
    }

    /// <summary>The next ready portal, the urgent line first; it counts as in its turn until <see cref="Finished"/>.</summary>
    public async ValueTask<string> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _ready.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_sync)
            {
                if (TakeLocked(_urgent, ReadyLine.Urgent, ref _readyUrgent) is { } urgent)
                {
                    return urgent;
                }

                if (TakeLocked(_background, ReadyLine.Background, ref _readyBackground) is { } background)
                {
                    return background;
                }
            }
        }
    }

    /// <summary>
    /// Ends a portal's turn. With <paramref name="goAgain"/> it is ready at once in the urgent line (the turn left work).
    /// Otherwise it rests for <paramref name="rest"/>: a wake-up during the turn or the rest readies it when the rest
    /// ends, and without one it goes idle.
    /// </summary>
    public void Finished(string memberId, bool goAgain, TimeSpan rest)
    {
        lock (_sync)
        {
            if (!_slots.TryGetValue(memberId, out var slot) || slot.Phase != Phase.Running)
            {
                return;
            }

            _inFlight--;
            if (goAgain)
            {
                ReadyLocked(memberId, slot, ReadyLine.Urgent);
            }
            else if (rest > TimeSpan.Zero)
            {
                slot.Phase = Phase.Resting;
                _timers.Set(memberId, DueReason.RestEnds, _time.GetUtcNow() + rest);
            }
            else if (slot.WokenFor is { } line)
            {
                ReadyLocked(memberId, slot, line);
            }
            else
            {
                _slots.Remove(memberId);
            }
        }
    }

    /// <summary>The portals ready in either line, not yet taken.</summary>
    public IReadOnlyList<string> ReadyPortals()
    {
        lock (_sync)
        {
            return [.. _slots.Where(s => s.Value.Phase == Phase.Ready).Select(s => s.Key)];
        }
    }

    public void Dispose()
    {
        _timers.Dispose();
        _ready.Dispose();
    }

    private void OnDue(string memberId, DueReason reason)
    {
        if (reason != DueReason.RestEnds)
        {
            _ = Wake(memberId, reason == DueReason.DriftCheck ? ReadyLine.Background : ReadyLine.Urgent);
            return;
        }

        lock (_sync)
        {
            if (_slots.TryGetValue(memberId, out var slot) && slot.Phase == Phase.Resting)
            {
                if (slot.WokenFor is { } line)
                {
                    ReadyLocked(memberId, slot, line);
                }
                else
                {
                    _slots.Remove(memberId);
                }
            }
        }
    }

    private string? TakeLocked(Queue<string> queue, ReadyLine line, ref int count)
    {
        while (queue.TryDequeue(out var memberId))
        {
            if (_slots.TryGetValue(memberId, out var slot) && slot.Phase == Phase.Ready && slot.Line == line)
            {
                count--;
                _inFlight++;
                slot.Phase = Phase.Running;
                slot.WokenFor = null;
                return memberId;
            }
        }

        return null;
    }

    /// <summary>Called under the lock.</summary>
    private void ReadyLocked(string memberId, Slot slot, ReadyLine line)
    {
        slot.Phase = Phase.Ready;
        slot.Line = line;
        slot.WokenFor = null;
        (line == ReadyLine.Urgent ? _urgent : _background).Enqueue(memberId);
        if (line == ReadyLine.Urgent)
        {
            _readyUrgent++;
        }
        else
        {
            _readyBackground++;
        }

        _ready.Release();
    }

    private sealed class Slot
    {
        public Phase Phase { get; set; }

        public ReadyLine Line { get; set; }

        /// <summary>Set when the portal was woken with news during its turn or rest.</summary>
        public ReadyLine? WokenFor { get; set; }
    }
}
