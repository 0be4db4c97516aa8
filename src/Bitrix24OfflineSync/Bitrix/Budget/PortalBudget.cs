namespace Bitrix24OfflineSync.Bitrix.Budget;

/// <summary>
/// One portal's request budget, mirroring the server's leaky bucket: each request reserves a slot, and a request
/// whose slot lies beyond the burst waits until the bucket has drained to it. A 503 fills the bucket. The portal's
/// per-method operating time is kept beside it (<see cref="Operating"/>).
/// </summary>
internal sealed class PortalBudget(int burstLimit, double drainPerSecond, RequestBudgetOptions options, TimeProvider time)
{
    private readonly Lock _sync = new();

    // One slot of margin: the server counts a request when it arrives, we count it when it leaves.
    private readonly double _capacity = Math.Max(1, burstLimit - 1);
    private double _level;
    private DateTimeOffset _updatedAt = time.GetUtcNow();
    private DateTimeOffset _blockedUntil;

    public int BurstLimit { get; } = burstLimit;

    public double DrainPerSecond { get; } = drainPerSecond;

    public OperatingTime Operating { get; } = new(options, time);

    /// <summary>Waits until a request fits the portal's budget, then takes its slot.</summary>
    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (wait, reserved) = Reserve();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }

            if (reserved)
            {
                return;
            }
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
    private (TimeSpan Wait, bool Reserved) Reserve()
    {
        lock (_sync)
        {
            var now = time.GetUtcNow();
            if (_blockedUntil > now)
            {
                return (_blockedUntil - now, false);
            }

            Drain(now);
            _level += 1;
            return (_level <= _capacity ? TimeSpan.Zero : TimeSpan.FromSeconds((_level - _capacity) / DrainPerSecond), true);
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
