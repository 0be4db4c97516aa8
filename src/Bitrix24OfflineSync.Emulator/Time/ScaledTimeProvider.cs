using System.Diagnostics;

namespace Bitrix24OfflineSync.Emulator.Time;

/// <summary>
/// A clock that runs <c>scale</c> times faster than the wall clock, timers included, so that behaviour defined over
/// minutes (budgets draining at 2 per second, a 10-minute operating window) plays out in seconds. The emulator and
/// the service share one instance, so they agree on what time it is. For tests and benchmarks only.
/// </summary>
public sealed class ScaledTimeProvider(double scale) : TimeProvider
{
    private readonly DateTimeOffset _start = System.GetUtcNow();
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();

    public double Scale { get; } = scale;

    public override DateTimeOffset GetUtcNow() => _start + (Stopwatch.GetElapsedTime(_startTimestamp) * Scale);

    public override long GetTimestamp() => _startTimestamp + (long)((Stopwatch.GetTimestamp() - _startTimestamp) * Scale);

    public override long TimestampFrequency => Stopwatch.Frequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(System.CreateTimer(callback, state, ToReal(dueTime), ToReal(period)), this);

    private TimeSpan ToReal(TimeSpan virtualTime) =>
        virtualTime == Timeout.InfiniteTimeSpan || virtualTime <= TimeSpan.Zero ? virtualTime : virtualTime / Scale;

    private sealed class ScaledTimer(ITimer inner, ScaledTimeProvider clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.ToReal(dueTime), clock.ToReal(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
