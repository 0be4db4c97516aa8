namespace Bitrix24OfflineSync.Bitrix.Budget;

/// <summary>
/// One portal's per-method operating time, as the server reports it in every answer's <c>time</c> block and every
/// batch entry's <c>result_time</c>: the seconds a method has used in the current window and when the window's oldest
/// call drops out (<c>operating_reset_at</c>). A method is held back before the server blocks it: past
/// <see cref="RequestBudgetOptions.OperatingSlowdownShare"/> of the limit its calls are spaced over what is left of
/// the window, and no more calls are let through than the limit has room for at the method's last known cost per call.
/// A method the server blocked is not asked again before its reset.
/// </summary>
internal sealed class OperatingTime(RequestBudgetOptions options, TimeProvider time)
{
    /// <summary>The most calls of a method one request asks for: a batch's 50 commands.</summary>
    private const int CallsAtOnce = 50;

    private readonly Lock _sync = new();
    private readonly Dictionary<string, MethodUsage> _methods = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The server's figures after one call of <paramref name="method"/>.</summary>
    public void Observe(string method, double operatingSeconds, DateTimeOffset resetAt)
    {
        var limit = options.OperatingLimit.TotalSeconds;
        lock (_sync)
        {
            var now = time.GetUtcNow();
            var usage = Usage(method);
            if (usage.Known(now) && operatingSeconds > usage.Seconds)
            {
                // Consecutive figures of one method differ by what the call in between cost.
                usage.CostPerCall = operatingSeconds - usage.Seconds;
            }

            usage.Seconds = operatingSeconds;
            usage.ResetAt = resetAt;
            var share = operatingSeconds / limit;
            var pressure = Math.Clamp((share - options.OperatingSlowdownShare) / (1 - options.OperatingSlowdownShare), 0, 1);
            var left = resetAt - now;
            usage.PacedUntil = share >= 1 ? resetAt
                : pressure > 0 && left > TimeSpan.Zero ? now + (left * pressure)
                : DateTimeOffset.MinValue;
        }
    }

    /// <summary>
    /// The server blocked <paramref name="method"/> (429, or <c>OPERATION_TIME_LIMIT</c> inside a batch): nothing of it
    /// goes out before <paramref name="resetAt"/>, or before the reset its last answer named, or a window from now.
    /// </summary>
    public DateTimeOffset Blocked(string method, DateTimeOffset? resetAt)
    {
        lock (_sync)
        {
            var now = time.GetUtcNow();
            var usage = Usage(method);
            var known = resetAt ?? (usage.ResetAt > now ? usage.ResetAt : (DateTimeOffset?)null);
            var until = known > now ? known.Value : now + options.OperatingWindow;
            usage.BlockedUntil = Max(usage.BlockedUntil, until);
            usage.ResetAt = Max(usage.ResetAt, until);
            return usage.NotBefore;
        }
    }

    /// <summary>
    /// How many of <paramref name="wanted"/> calls of <paramref name="method"/> may go out now, and when the rest may:
    /// all of them when the method is far from its limit, fewer when its known cost per call would cross it, none
    /// while it is paced or blocked.
    /// </summary>
    public (int Admitted, DateTimeOffset RestAfter) Admit(string method, int wanted)
    {
        lock (_sync)
        {
            var now = time.GetUtcNow();
            if (!_methods.TryGetValue(method, out var usage))
            {
                return (wanted, now);
            }

            if (usage.NotBefore > now)
            {
                return (0, usage.NotBefore);
            }

            if (usage.CostPerCall <= 0)
            {
                return (wanted, now);
            }

            // A method's cost per call outlives its window: after a reset it starts from nothing used.
            var known = usage.Known(now);
            var room = (options.OperatingLimit.TotalSeconds - (known ? usage.Seconds : 0)) / usage.CostPerCall;
            var admitted = (int)Math.Clamp(Math.Floor(room), 0, wanted);
            return admitted == wanted ? (wanted, now) : (admitted, known ? usage.ResetAt : now + options.OperatingWindow);
        }
    }

    /// <summary>When <paramref name="method"/> may be called again; now or earlier when it may go at once.</summary>
    public DateTimeOffset NotBefore(string method)
    {
        lock (_sync)
        {
            return _methods.TryGetValue(method, out var usage) ? usage.NotBefore : DateTimeOffset.MinValue;
        }
    }

    /// <summary>
    /// Nothing known that could hold a call back: no method blocked or paced, and none whose figures would admit fewer
    /// than a full batch of <see cref="CallsAtOnce"/> calls (a fresh budget admits them all, and learns the figures
    /// again from the next answer).
    /// </summary>
    public bool AtRest(DateTimeOffset now)
    {
        var limit = options.OperatingLimit.TotalSeconds * options.OperatingSlowdownShare;
        lock (_sync)
        {
            foreach (var usage in _methods.Values)
            {
                if (usage.NotBefore > now || (usage.Known(now) ? usage.Seconds : 0) + (usage.CostPerCall * CallsAtOnce) >= limit)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private MethodUsage Usage(string method)
    {
        if (!_methods.TryGetValue(method, out var usage))
        {
            usage = new MethodUsage();
            _methods[method] = usage;
        }

        return usage;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private sealed class MethodUsage
    {
        public double Seconds { get; set; }

        public double CostPerCall { get; set; }

        public DateTimeOffset ResetAt { get; set; } = DateTimeOffset.MinValue;

        /// <summary>Set by the server's refusal; an answer that arrives later from a call sent earlier does not lift it.</summary>
        public DateTimeOffset BlockedUntil { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset PacedUntil { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset NotBefore => Max(BlockedUntil, PacedUntil);

        /// <summary>The figures hold until the reset; after it the window has moved on and the method starts afresh.</summary>
        public bool Known(DateTimeOffset now) => ResetAt > now;
    }
}
