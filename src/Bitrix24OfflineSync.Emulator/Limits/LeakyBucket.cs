namespace Bitrix24OfflineSync.Emulator.Limits;

/// <summary>
/// Bitrix24's request-intensity limit: every HTTP request (a batch is one) adds 1, the level drains at a fixed rate,
/// and a request that would lift it past the burst limit is refused with 503 <c>QUERY_LIMIT_EXCEEDED</c>.
/// </summary>
public sealed class LeakyBucket(LeakyBucketOptions options, TimeProvider time)
{
    private readonly Lock _sync = new();
    private double _level;
    private DateTimeOffset _updatedAt = time.GetUtcNow();

    public LeakyBucketOptions Options { get; private set; } = options.Clone();

    public double Level
    {
        get
        {
            lock (_sync)
            {
                Drain(time.GetUtcNow());
                return _level;
            }
        }
    }

    public void Configure(LeakyBucketOptions options)
    {
        lock (_sync)
        {
            Drain(time.GetUtcNow());
            Options = options.Clone();
        }
    }

    /// <summary>Counts one request; false when the bucket is full (the request is refused and not counted).</summary>
    public bool TryTake()
    {
        lock (_sync)
        {
            if (!Options.Enabled)
            {
                return true;
            }

            Drain(time.GetUtcNow());
            if (_level + 1 > Options.BurstLimit)
            {
                return false;
            }

            _level += 1;
            return true;
        }
    }

    private void Drain(DateTimeOffset now)
    {
        var elapsed = (now - _updatedAt).TotalSeconds;
        if (elapsed > 0)
        {
            _level = Math.Max(0, _level - (elapsed * Options.DrainPerSecond));
            _updatedAt = now;
        }
    }
}
