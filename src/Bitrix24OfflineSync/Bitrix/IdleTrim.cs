namespace Bitrix24OfflineSync.Bitrix;

/// <summary>
/// The pace of a per-portal cache's trim: at most once every <see cref="Every"/>, off the caller's path (on the thread
/// pool), never two at once. The caches call it on their own lookups, so an instance with no traffic does no work.
/// </summary>
internal sealed class IdleTrim(TimeProvider time)
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    private long _ranAt = time.GetTimestamp();
    private int _running;

    public void RunIfDue(Action trim)
    {
        if (time.GetElapsedTime(Interlocked.Read(ref _ranAt)) < Every || Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        Interlocked.Exchange(ref _ranAt, time.GetTimestamp());
        _ = Task.Run(() =>
        {
            try
            {
                trim();
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
        });
    }
}
