namespace Bitrix24OfflineSync.Emulator.Limits;

/// <summary>
/// Per-method operating time ("resource intensity", <c>LoadLimiter</c>): each counted call's time is summed per app
/// and method over a sliding window; once the sum exceeds the limit, the next call of that method is refused with
/// 429 <c>OPERATION_TIME_LIMIT</c> until enough of the oldest calls have left the window. Other methods keep working.
/// A call of <see cref="MinimalCountedCost"/> or less is not counted. Calls are kept summed per second, so the state
/// stays bounded by the window's length whatever the call rate.
/// </summary>
public sealed class OperatingTimeLimiter(OperatingLimitOptions options, TimeProvider time)
{
    /// <summary>The server's <c>minimalFixTime</c>: calls that took no longer are free.</summary>
    public static readonly TimeSpan MinimalCountedCost = TimeSpan.FromSeconds(0.1);

    private readonly Lock _sync = new();
    private readonly Dictionary<(string App, string Method), LinkedList<(long Second, double Seconds)>> _calls = [];

    public OperatingLimitOptions Options { get; private set; } = options.Clone();

    public bool Enabled => Options.Enabled;

    /// <summary>Replaces the settings; what was already counted stays counted.</summary>
    public void Configure(OperatingLimitOptions options)
    {
        lock (_sync)
        {
            Options = options.Clone();
        }
    }

    /// <summary>
    /// The seconds a method spent within the window, and its <c>operating_reset_at</c> (unix seconds): when the
    /// oldest counted call still in the window leaves it, or, with none, now plus the window.
    /// </summary>
    public OperatingReading Read(string app, string method)
    {
        lock (_sync)
        {
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            var calls = Current(app, method, now);
            var oldest = calls?.First?.Value.Second ?? now;
            return new OperatingReading(calls?.Sum(c => c.Seconds) ?? 0, oldest + WindowSeconds);
        }
    }

    public bool IsBlocked(string app, string method) => Enabled && Read(app, method).Operating > Options.Limit.TotalSeconds;

    /// <summary>Counts a call that ran: its configured cost if the method has one, else what it took.</summary>
    public void Account(string app, string method, TimeSpan measured)
    {
        lock (_sync)
        {
            if (!Options.Enabled)
            {
                return;
            }

            var cost = Options.CostPerCall.TryGetValue(method, out var configured) ? configured : measured;
            if (cost <= MinimalCountedCost)
            {
                return;
            }

            var now = time.GetUtcNow().ToUnixTimeSeconds();
            if (Current(app, method, now) is not { } calls)
            {
                calls = new LinkedList<(long Second, double Seconds)>();
                _calls[(app, method)] = calls;
            }

            // A call stamped in a second already seen (or, racing, an earlier one) joins the newest entry.
            if (calls.Last is { } last && last.Value.Second >= now)
            {
                last.Value = (last.Value.Second, last.Value.Seconds + cost.TotalSeconds);
            }
            else
            {
                calls.AddLast((now, cost.TotalSeconds));
            }
        }
    }

    /// <summary>Every app and method with counted calls in the window, for the control endpoint.</summary>
    public IReadOnlyList<OperatingUsage> Usage()
    {
        lock (_sync)
        {
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            return [.. _calls.Keys.ToList()
                .Select(key => (key, Calls: Current(key.App, key.Method, now)))
                .Where(k => k.Calls is not null)
                .Select(k => new OperatingUsage(k.key.App, k.key.Method, k.Calls!.Sum(c => c.Seconds), k.Calls!.First!.Value.Second + WindowSeconds))
                .OrderBy(u => u.ClientId, StringComparer.Ordinal)
                .ThenBy(u => u.Method, StringComparer.Ordinal)];
        }
    }

    private long WindowSeconds => (long)Options.Window.TotalSeconds;

    /// <summary>The method's calls still in the window, oldest first; null (and forgotten) when none is left.</summary>
    private LinkedList<(long Second, double Seconds)>? Current(string app, string method, long now)
    {
        if (!_calls.TryGetValue((app, method), out var calls))
        {
            return null;
        }

        while (calls.First is { } first && first.Value.Second + WindowSeconds <= now)
        {
            calls.RemoveFirst();
        }

        if (calls.Count == 0)
        {
            _calls.Remove((app, method));
            return null;
        }

        return calls;
    }
}

/// <summary>A method's operating time within the window (seconds) and when its oldest counted call leaves it (unix seconds).</summary>
public readonly record struct OperatingReading(double Operating, long ResetAt);

/// <summary>What one app's method has spent within the window.</summary>
public sealed record OperatingUsage(string ClientId, string Method, double Operating, long ResetAt);
