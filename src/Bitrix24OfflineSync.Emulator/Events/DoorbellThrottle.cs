namespace Bitrix24OfflineSync.Emulator.Events;

/// <summary>
/// <c>EventOfflineTable::checkSendTime</c>: a cache entry per ONOFFLINEEVENT handler that lives minTimeout seconds.
/// While it lives, doorbells are dropped, never delayed. minTimeout 0 allows one doorbell per hit.
/// </summary>
internal sealed class DoorbellThrottle(TimeProvider time)
{
    public const int DefaultMinTimeoutSeconds = 1;

    private readonly Lock _sync = new();
    private readonly Dictionary<(string Domain, long HandlerId), DateTimeOffset> _lastSent = [];

    // hitState is shared by every doorbell of one hit: the server's once-per-request flag for minTimeout 0.
    public bool TryAcquire(string domain, EventBinding binding, HitDoorbells hitState)
    {
        var timeout = binding.MinTimeout ?? DefaultMinTimeoutSeconds;
        if (timeout <= 0)
        {
            return hitState.TryTakeUnthrottled();
        }

        var now = time.GetUtcNow();
        lock (_sync)
        {
            if (_lastSent.TryGetValue((domain, binding.Id), out var last) && now - last < TimeSpan.FromSeconds(timeout))
            {
                return false;
            }

            _lastSent[(domain, binding.Id)] = now;
            return true;
        }
    }
}

/// <summary>Per-hit state of the doorbell check: the server keeps it in a static for the request's lifetime.</summary>
internal sealed class HitDoorbells
{
    private bool _unthrottledSent;

    public bool TryTakeUnthrottled()
    {
        if (_unthrottledSent)
        {
            return false;
        }

        _unthrottledSent = true;
        return true;
    }
}
