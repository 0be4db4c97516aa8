namespace Bitrix24OfflineSync.Sync;

/// <summary>
/// Told at each phase boundary of a drain round, in order. The worker's health reads it; an implementation that
/// throws stops the round at that boundary, exactly as a crash there would (the recovery tests use that).
/// </summary>
internal interface IDrainProgress
{
    void Reserved(string memberId, IReadOnlyCollection<string> processIds);

    void Fetched(string memberId, IReadOnlyCollection<string> processIds);

    void Committed(string memberId, IReadOnlyCollection<string> processIds);

    void Clearing(string memberId, IReadOnlyCollection<string> processIds);

    void Cleared(string memberId, IReadOnlyCollection<string> processIds);
}

/// <summary>The default: remembers when the worker last made progress, for the readiness check.</summary>
internal sealed class DrainHeartbeat(TimeProvider time) : IDrainProgress
{
    private long _lastTicks = time.GetUtcNow().UtcTicks;

    public DateTimeOffset LastProgress => new(Interlocked.Read(ref _lastTicks), TimeSpan.Zero);

    public void Beat() => Interlocked.Exchange(ref _lastTicks, time.GetUtcNow().UtcTicks);

    public void Reserved(string memberId, IReadOnlyCollection<string> processIds) => Beat();

    public void Fetched(string memberId, IReadOnlyCollection<string> processIds) => Beat();

    public void Committed(string memberId, IReadOnlyCollection<string> processIds) => Beat();

    public void Clearing(string memberId, IReadOnlyCollection<string> processIds) => Beat();

    public void Cleared(string memberId, IReadOnlyCollection<string> processIds) => Beat();
}
