namespace Bitrix24OfflineSync.Bitrix.Budget;

/// <summary>
/// One portal's request budget, mirroring the server's leaky bucket: each request reserves a slot, and a request
/// whose slot lies beyond the burst waits until the bucket has drained to it. A 503 fills the bucket; a 429 pauses
/// one method until the server's <c>operating_reset_at</c>.
/// </summary>
internal sealed class PortalBudget(int burstLimit, double drainPerSecond, RequestBudgetOptions options, TimeProvider time)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, DateTimeOffset> _methodPausedUntil = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DateTimeOffset> _methodNextAllowed = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DateTimeOffset> _methodResetAt = new(StringComparer.OrdinalIgnoreCase);

    // One slot of margin: the server counts a request when it arrives, we count it when it leaves.
    private readonly double _capacity = Math.Max(1, burstLimit - 1);
    private double _level;
    private DateTimeOffset _updatedAt = time.GetUtcNow();
    private DateTimeOffset _blockedUntil;

    public int BurstLimit { get; } = burstLimit;

    public double DrainPerSecond { get; } = drainPerSecond;

    /// <summary>Waits until a request of <paramref name="method"/> fits the portal's budget, then takes its slot.</summary>
    public async Task AcquireAsync(string method, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (wait, reserved) = Reserve(method);
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

    /// <summary>
    /// The server said 429 for a method: nothing of that method goes out before its <c>operating_reset_at</c>, taken
    /// from the refusal or else from the method's last answer.
    /// </summary>
    public TimeSpan OnOperatingLimit(string method, DateTimeOffset? resetAt)
    {
        lock (_sync)
        {
            var now = time.GetUtcNow();
            var known = resetAt ?? (_methodResetAt.TryGetValue(method, out var seen) ? seen : (DateTimeOffset?)null);
            var until = known > now ? known.Value : now + TimeSpan.FromSeconds(60);
            _methodPausedUntil[method] = until;
            return until - now;
        }
    }

    /// <summary>Reads <c>time.operating</c>: close to the limit, calls of the method are spaced out over what is left of the window.</summary>
    public void OnOperating(string method, double operatingSeconds, DateTimeOffset resetAt)
    {
        var limit = options.OperatingLimit.TotalSeconds;
        var share = operatingSeconds / limit;
        lock (_sync)
        {
            _methodResetAt[method] = resetAt;
            if (share < options.OperatingSlowdownShare)
            {
                _methodNextAllowed.Remove(method);
                return;
            }

            var now = time.GetUtcNow();
            var left = resetAt - now;
            var pressure = Math.Clamp((share - options.OperatingSlowdownShare) / (1 - options.OperatingSlowdownShare), 0, 1);
            _methodNextAllowed[method] = now + (left > TimeSpan.Zero ? left * pressure : TimeSpan.Zero);
        }
    }

    /// <summary>While the portal or method is paused: how long, nothing reserved. Otherwise: a slot, and how long until it is due.</summary>
    private (TimeSpan Wait, bool Reserved) Reserve(string method)
    {
        lock (_sync)
        {
            var now = time.GetUtcNow();
            var blocked = Max(_blockedUntil - now, MethodWait(method, now));
            if (blocked > TimeSpan.Zero)
            {
                return (blocked, false);
            }

            Drain(now);
            _level += 1;
            return (_level <= _capacity ? TimeSpan.Zero : TimeSpan.FromSeconds((_level - _capacity) / DrainPerSecond), true);
        }
    }

    private TimeSpan MethodWait(string method, DateTimeOffset now) =>
        Max(
            _methodPausedUntil.TryGetValue(method, out var paused) ? paused - now : TimeSpan.Zero,
            _methodNextAllowed.TryGetValue(method, out var next) ? next - now : TimeSpan.Zero);

    private void Drain(DateTimeOffset now)
    {
        var elapsed = (now - _updatedAt).TotalSeconds;
        if (elapsed > 0)
        {
            _level = Math.Max(0, _level - (elapsed * DrainPerSecond));
            _updatedAt = now;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
