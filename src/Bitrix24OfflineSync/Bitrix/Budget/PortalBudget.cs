namespace Bitrix24OfflineSync.Bitrix.Budget;

/// <summary>
/// One portal's request budget, mirroring the server's leaky bucket: each request reserves a slot, and a request
/// whose slot lies beyond the burst waits until the bucket has drained to it. A 503 fills the bucket. The portal's
/// per-method operating time is kept beside it (<see cref="Operating"/>). A budget at rest may be retired
/// (<see cref="TryRetire"/>): it takes no slot after that, and its portal gets a fresh one, the same as it would be.
/// </summary>
internal sealed class PortalBudget(int burstLimit, double drainPerSecond, RequestBudgetOptions options, TimeProvider time)
{
    private readonly Lock _sync = new();

    // One slot of margin: the server counts a request when it arrives, we count it when it leaves.
    private readonly double _capacity = Math.Max(1, burstLimit - 1);
    private double _level;
    private DateTimeOffset _updatedAt = time.GetUtcNow();
    private DateTimeOffset _blockedUntil;
    private DateTimeOffset _usedAt = time.GetUtcNow();
    private bool _retired;

    public int BurstLimit { get; } = burstLimit;

    public double DrainPerSecond { get; } = drainPerSecond;

    public OperatingTime Operating { get; } = new(options, time);

    /// <summary>Waits until a request fits the portal's budget, then takes its slot; false when the budget was retired.</summary>
    public async Task<bool> TryAcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (wait, reserved, retired) = Reserve();
            if (retired)
            {
                return false;
            }

            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }

            if (reserved)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Retires the budget when a fresh one would be the same: unused for <paramref name="restAfter"/>, its bucket drained,
    /// not paused, and nothing of its operating time able to hold a call back (<see cref="OperatingTime.AtRest"/>).
    /// </summary>
    public bool TryRetire(DateTimeOffset now, TimeSpan restAfter)
    {
        lock (_sync)
        {
            Drain(now);
            if (_retired || now - _usedAt < restAfter || _level > 0 || _blockedUntil > now || !Operating.AtRest(now))
            {
                return false;
            }

            _retired = true;
            return true;
        }
    }

    /// <summary>The server said 503 <c>QUERY_LIMIT_EXCEEDED</c>: its bucket is full whatever ours thought.</summary>
    public TimeSpan OnQueryLimitExceeded(TimeSpan? retryAfter)
    {
        lock (_sync)
        {
            var now = time.GetUtcNow();
            Drain(now);
            _level = Math.Max(_level, _capacity);
            var pause = retryAfter ?? TimeSpan.FromSeconds(1 / DrainPerSecond);
            if (now + pause > _blockedUntil)
            {
                _blockedUntil = now + pause;
            }

            return pause;
        }
    }

    /// <summary>While the portal is paused: how long, nothing reserved. Otherwise: a slot, and how long until it is due.</summary>
    private (TimeSpan Wait, bool Reserved, bool Retired) Reserve()
    {
        lock (_sync)
        {
            if (_retired)
            {
                return (TimeSpan.Zero, false, true);
            }

            var now = time.GetUtcNow();
            _usedAt = now;
            if (_blockedUntil > now)
            {
                return (_blockedUntil - now, false, false);
            }

            Drain(now);
            _level += 1;
            return (_level <= _capacity ? TimeSpan.Zero : TimeSpan.FromSeconds((_level - _capacity) / DrainPerSecond), true, false);
        }
    }

    private void Drain(DateTimeOffset now)
    {
        var elapsed = (now - _updatedAt).TotalSeconds;
        if (elapsed > 0)
        {
            _level = Math.Max(0, _level - (elapsed * DrainPerSecond));
            _updatedAt = now;
        }
    }
}
