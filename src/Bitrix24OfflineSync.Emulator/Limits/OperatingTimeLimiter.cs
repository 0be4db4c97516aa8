namespace Bitrix24OfflineSync.Emulator.Limits;

/// <summary>
/// Per-method operating time ("resource intensity"): each method's execution time is summed per app in one-minute
/// buckets over the window; once the sum exceeds the limit, the next call of that method is refused with 429
/// <c>OPERATION_TIME_LIMIT</c> until the oldest buckets expire. Other methods keep working.
/// </summary>
public sealed class OperatingTimeLimiter(OperatingLimitOptions options, TimeProvider time)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<(string App, string Method), SortedDictionary<long, double>> _buckets = [];

    public OperatingLimitOptions Options { get; } = options;

    public bool Enabled => Options.Enabled;

    /// <summary>The seconds spent by a method within the window, and when the oldest bucket drops out (unix seconds).</summary>
    public (double Operating, long ResetAt) Read(string app, string method)
    {
        lock (_sync)
        {
            var buckets = Current(app, method, time.GetUtcNow());
            var operating = buckets.Values.Sum();
            var window = (long)Options.Window.TotalMinutes;
            var oldest = buckets.Count > 0 ? buckets.Keys.First() : time.GetUtcNow().ToUnixTimeSeconds() / 60;
            return (operating, (oldest + window) * 60);
        }
    }

    public bool IsBlocked(string app, string method) => Enabled && Read(app, method).Operating > Options.Limit.TotalSeconds;

    public void Account(string app, string method, TimeSpan measured)
    {
        if (!Enabled)
        {
            return;
        }

        var cost = Options.CostPerCall.TryGetValue(method, out var configured) ? configured : measured;
        lock (_sync)
        {
            var now = time.GetUtcNow();
            var buckets = Current(app, method, now);
            var minute = now.ToUnixTimeSeconds() / 60;
            buckets[minute] = buckets.GetValueOrDefault(minute) + cost.TotalSeconds;
        }
    }

    private SortedDictionary<long, double> Current(string app, string method, DateTimeOffset now)
    {
        if (!_buckets.TryGetValue((app, method), out var buckets))
        {
            buckets = [];
            _buckets[(app, method)] = buckets;
        }

        var firstLive = (now.ToUnixTimeSeconds() / 60) - (long)Options.Window.TotalMinutes + 1;
        foreach (var old in buckets.Keys.Where(k => k < firstLive).ToList())
        {
            buckets.Remove(old);
        }

        return buckets;
    }
}
