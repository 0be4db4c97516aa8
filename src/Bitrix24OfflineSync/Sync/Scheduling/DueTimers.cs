namespace Bitrix24OfflineSync.Sync.Scheduling;

/// <summary>Why a portal is due at some time; a portal has at most one pending time of each kind.</summary>
internal enum DueReason
{
    /// <summary>The end of the rest after a turn (the cadence): wake-ups during it are served then.</summary>
    RestEnds,

    /// <summary>A doorbell's look-again after its <c>minTimeout</c>; a later one moves it later.</summary>
    FollowUp,

    /// <summary>A failed turn or postponed reservations, one retry delay on; the earliest wins.</summary>
    Retry,

    /// <summary>A method's operating time resets; the earliest wins.</summary>
    Paused,

    /// <summary>A drift check falls due; the earliest wins.</summary>
    DriftCheck,
}

/// <summary>
/// The scheduler's clock: one timer of the <see cref="TimeProvider"/> armed for the earliest due time of a heap keyed by
/// due time, however many portals wait. A time replaced by another of the same portal and kind stays in the heap and is
/// skipped when it comes up.
/// </summary>
internal sealed class DueTimers : IDisposable
{
    /// <summary>A follow-up closer than this to one already set is not moved: a burst of doorbells moves it a few times a second at most.</summary>
    private static readonly TimeSpan FollowUpSlack = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _time;
    private readonly Action<string, DueReason> _fire;
    private readonly Lock _sync = new();
    private readonly PriorityQueue<(string MemberId, DueReason Reason), DateTimeOffset> _heap = new();
    private readonly Dictionary<(string MemberId, DueReason Reason), DateTimeOffset> _pending = [];
    private readonly ITimer _timer;
    private DateTimeOffset? _armedFor;

    public DueTimers(TimeProvider time, Action<string, DueReason> fire)
    {
        _time = time;
        _fire = fire;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The due times pending (a gauge).</summary>
    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Sets when the portal is due for <paramref name="reason"/>; see <see cref="DueReason"/> for which of two times wins.</summary>
    public void Set(string memberId, DueReason reason, DateTimeOffset due)
    {
        lock (_sync)
        {
            var key = (memberId, reason);
            if (_pending.TryGetValue(key, out var current))
            {
                var replace = reason == DueReason.FollowUp ? due - current > FollowUpSlack : due < current;
                if (!replace)
                {
                    return;
                }
            }

            _pending[key] = due;
            _heap.Enqueue(key, due);
            ArmLocked();
        }
    }

    public void Cancel(string memberId, DueReason reason)
    {
        lock (_sync)
        {
            _pending.Remove((memberId, reason));
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Fire()
    {
        var fired = new List<(string, DueReason)>();
        lock (_sync)
        {
            _armedFor = null;
            var now = _time.GetUtcNow();
            while (_heap.TryPeek(out var key, out var due) && due <= now)
            {
                _heap.Dequeue();
                if (_pending.TryGetValue(key, out var current) && current == due)
                {
                    _pending.Remove(key);
                    fired.Add(key);
                }
            }

            ArmLocked();
        }

        foreach (var (memberId, reason) in fired)
        {
            _fire(memberId, reason);
        }
    }

    private void ArmLocked()
    {
        // Skipped entries at the top are dropped here, so that the timer is armed for a time something is due.
        while (_heap.TryPeek(out var top, out var topDue) && (!_pending.TryGetValue(top, out var current) || current != topDue))
        {
            _heap.Dequeue();
        }

        if (!_heap.TryPeek(out _, out var next))
        {
            return;
        }

        if (_armedFor is { } armed && armed <= next)
        {
            return;
        }

        _armedFor = next;
        var delay = next - _time.GetUtcNow();
        if (delay > TimeSpan.Zero)
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
        else
        {
            // Due already: fired off this thread, never under the caller's lock.
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            ThreadPool.UnsafeQueueUserWorkItem(static timers => timers.Fire(), this, preferLocal: false);
        }
    }
}
