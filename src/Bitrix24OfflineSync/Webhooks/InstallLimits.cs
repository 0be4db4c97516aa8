using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// Bounds the outbound calls unverified installs cause: a cap on verifications at once, a token bucket across all
/// portals and one per claimed <c>member_id</c>. A claimed member id is checked first, so hammering one cannot spend
/// the fleet's budget; its bucket is made only when the fleet's budget let a verification start, so a flood of made-up
/// ids makes buckets no faster than <see cref="InstallOptions.PerSecond"/>. Time comes from <see cref="TimeProvider"/>;
/// nothing runs in the background.
/// </summary>
internal sealed class InstallLimits : IDisposable
{
    /// <summary>Member ids tracked at most; a bucket that has refilled is the same as none and is dropped first.</summary>
    private const int MaxTracked = 10_000;

    private readonly InstallOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _running;
    private readonly Lock _sync = new();
    private readonly TokenBucket _fleet;
    private readonly Dictionary<string, TokenBucket> _portals = new(StringComparer.Ordinal);

    public InstallLimits(IOptions<InstallOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _running = new SemaphoreSlim(_options.MaxConcurrent, _options.MaxConcurrent);
        _fleet = new TokenBucket(_options.Burst, _options.PerSecond, time.GetUtcNow());
    }

    /// <summary>A permit to verify an install claiming <paramref name="memberId"/>, or why not; dispose it when done.</summary>
    public InstallPermit TryEnter(string memberId)
    {
        if (!_running.Wait(0))
        {
            return new InstallPermit(null, $"{_options.MaxConcurrent} installs are being verified already");
        }

        var refusal = TakeToken(memberId);
        if (refusal is not null)
        {
            _running.Release();
            return new InstallPermit(null, refusal);
        }

        return new InstallPermit(_running, null);
    }

    public void Dispose() => _running.Dispose();

    private string? TakeToken(string memberId)
    {
        lock (_sync)
        {
            var now = _time.GetUtcNow();
            _portals.TryGetValue(memberId, out var portal);
            if (portal is not null && !portal.CanTake(now))
            {
                return "too many installs for this member_id";
            }

            if (!_fleet.CanTake(now))
            {
                return "too many installs";
            }

            if (portal is null)
            {
                if (_portals.Count >= MaxTracked)
                {
                    DropRefilled(now);
                }

                if (_portals.Count >= MaxTracked)
                {
                    return "too many installs";
                }

                portal = new TokenBucket(_options.PortalBurst, 1 / _options.PortalInterval.TotalSeconds, now);
                _portals[memberId] = portal;
            }

            _fleet.Take();
            portal.Take();
            return null;
        }
    }

    private void DropRefilled(DateTimeOffset now)
    {
        foreach (var (memberId, bucket) in _portals.Where(p => p.Value.IsFull(now)).ToList())
        {
            _portals.Remove(memberId);
        }
    }

    /// <summary>A bucket of <paramref name="burst"/> tokens refilled at <paramref name="perSecond"/>, computed when asked.</summary>
    private sealed class TokenBucket(int burst, double perSecond, DateTimeOffset now)
    {
        private double _tokens = burst;
        private DateTimeOffset _updatedAt = now;

        public bool CanTake(DateTimeOffset at)
        {
            Refill(at);
            return _tokens >= 1;
        }

        public void Take() => _tokens -= 1;

        public bool IsFull(DateTimeOffset at)
        {
            Refill(at);
            return _tokens >= burst;
        }

        private void Refill(DateTimeOffset at)
        {
            var elapsed = (at - _updatedAt).TotalSeconds;
            if (elapsed > 0)
            {
                _tokens = Math.Min(burst, _tokens + (elapsed * perSecond));
                _updatedAt = at;
            }
        }
    }
}

/// <summary>Leave to verify one install (<see cref="Refusal"/> null), held until disposed; or why there is none.</summary>
internal sealed class InstallPermit(SemaphoreSlim? slot, string? refusal) : IDisposable
{
    public string? Refusal { get; } = refusal;

    public void Dispose() => slot?.Release();
}
