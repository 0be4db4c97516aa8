using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Scheduling;

/// <summary>
/// The safety net: every active portal is polled about once per <see cref="SyncOptions.PollInterval"/> even if nothing
/// wakes it, spread evenly over the interval. Each slice of the interval claims, in the database, the portals whose next
/// poll is due (<see cref="IPollSchedule"/>: a turn moves it to the portal's next slot, about an interval on, so a portal
/// drained recently is not due), at most twice the fleet's average rate per slice, and readies them in the background
/// line, behind any doorbell. Replicas on one database claim different portals. At start a replica claims the whole
/// fleet once (the start-up pass: doorbells rung while it was down are lost), giving the pages it claims next polls
/// spread over the following interval. After a turn a portal is next due at its own slot of the interval
/// (<see cref="NextSlot"/>), so the fleet's polls stay spread however its turns bunched. It also warns, page by page,
/// about portals not drained for long.
/// </summary>
internal sealed class SafetyNet(
    IPollSchedule polls,
    DrainScheduler scheduler,
    IOptions<SyncOptions> options,
    TimeProvider time,
    ILogger<SafetyNet> logger)
{
    private int _slices;

    /// <summary>The portals claimed by one statement at most.</summary>
    internal const int PageSize = 1000;

    /// <summary>
    /// The interval is swept in slices this long: a hundredth of it, between 20 ms and 1 s (a slice's portals are asked
    /// at once, so a longer slice would make a second of bursts and a second of silence out of an even rate).
    /// </summary>
    public static TimeSpan SliceOf(TimeSpan pollInterval) =>
        TimeSpan.FromTicks(Math.Clamp(pollInterval.Ticks / 100, TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromSeconds(1).Ticks));

    /// <summary>The portals a slice polls on average in a fleet of <paramref name="active"/> portals, at least one.</summary>
    public static int AveragePerSlice(int active, TimeSpan pollInterval) =>
        (int)Math.Clamp(Math.Ceiling((double)active * SliceOf(pollInterval).Ticks / pollInterval.Ticks), 1, int.MaxValue);

    /// <summary>The portals one slice claims at most: twice the average of a fleet of <paramref name="active"/> portals, at least one.</summary>
    public static int LimitPerSlice(int active, TimeSpan pollInterval) =>
        (int)Math.Clamp(Math.Ceiling(2.0 * active * SliceOf(pollInterval).Ticks / pollInterval.Ticks), 1, int.MaxValue);

    /// <summary>
    /// When the safety net next polls a portal a turn has just looked at (at <paramref name="after"/>): the first of the
    /// portal's slots at least half an interval away. A portal has one slot each interval, at a phase its member id
    /// fixes (the same on every replica), so the fleet's next polls are spread evenly over the interval however its
    /// turns bunched (a start-up sweep, a restart, replicas starting together), and a portal only the safety net wakes
    /// is polled once per interval; one drained by a doorbell is polled between half an interval and one and a half later.
    /// </summary>
    public static DateTimeOffset NextSlot(string memberId, DateTimeOffset after, TimeSpan pollInterval)
    {
        var period = pollInterval.Ticks;
        var phase = Phases.In(memberId, pollInterval).Ticks;
        var earliest = after.UtcTicks + (period / 2);
        var late = ((earliest - phase) % period + period) % period;
        return new DateTimeOffset(earliest + (late == 0 ? 0 : period - late), TimeSpan.Zero);
    }

    private volatile bool _startUpPassDone;

    /// <summary>Whether the start-up pass (when asked for) has claimed the fleet (for tests).</summary>
    public bool StartUpPassDone => _startUpPassDone;

    /// <summary>Slices swept since the start (for the scheduler's gauges and tests).</summary>
    public int SlicesSwept => Volatile.Read(ref _slices);

    /// <summary>Sweeps until <paramref name="stoppingToken"/>; with <paramref name="startUpPass"/> it first claims every active portal (see <see cref="StartUpPassAsync"/>).</summary>
    public async Task RunAsync(bool startUpPass, CancellationToken stoppingToken)
    {
        var interval = options.Value.PollInterval;
        var slice = SliceOf(interval);
        using var timer = new PeriodicTimer(slice, time);
        try
        {
            if (startUpPass)
            {
                await StartUpPassAsync(stoppingToken).ConfigureAwait(false);
                _startUpPassDone = true;
            }

            var limit = 1;
            var counted = DateTimeOffset.MinValue;
            var warned = time.GetUtcNow();
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var now = time.GetUtcNow();
                    if (now - counted >= interval)
                    {
                        limit = LimitPerSlice(await polls.CountActiveAsync(stoppingToken).ConfigureAwait(false), interval);
                        counted = now;
                    }

                    var claimed = await polls.ClaimDueAsync(now, now + interval, limit, stoppingToken).ConfigureAwait(false);
                    await AnsweredByTheirTurnsAsync(WakeAll(claimed), now, stoppingToken).ConfigureAwait(false);

                    if (now - warned >= interval)
                    {
                        warned = now;
                        await WarnAboutStalePortalsAsync(now, stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    SyncLog.WorkerLoopFailed(logger, ex);
                }

                Interlocked.Increment(ref _slices);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The start-up pass: doorbells rung while no replica ran were lost, so a starting replica claims every active
    /// portal, a page at a time, and readies it in the background line (doorbells go first): every portal whose next
    /// poll is within the bound, an interval and a half on, the furthest a turn sets it (<see cref="NextSlot"/>). Each
    /// page is a slice's average, and its next poll a step further into the interval after the bound (a portal's turn
    /// then sets it to the portal's next slot). Replicas starting together share the fleet, as each claim moves the
    /// portals' next poll past the bound. The pass walks the fleet in member id order, so it asks each portal once
    /// however many turns end meanwhile. A portal it claims that is in its turn or rest, or that is still waiting in the
    /// line when the instance stops (<see cref="HandOverReadyAsync"/>), gets its next poll back within the next start's bound.
    /// </summary>
    private async Task StartUpPassAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PollInterval;
        var bound = time.GetUtcNow() + (interval * 1.5);
        try
        {
            var active = await polls.CountActiveAsync(stoppingToken).ConfigureAwait(false);
            var page = AveragePerSlice(active, interval);
            var step = interval / Math.Max(1, Math.Ceiling((double)active / page));
            var after = "";
            for (var k = 0; ; k++)
            {
                var claimed = await polls.ClaimPageAsync(after, bound, bound + TimeSpan.FromMilliseconds(1) + (k * step), page, stoppingToken).ConfigureAwait(false);
                await AnsweredByTheirTurnsAsync(WakeAll(claimed), time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                if (claimed.Count < page)
                {
                    return;
                }

                after = claimed.Max(StringComparer.Ordinal)!;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SyncLog.WorkerLoopFailed(logger, ex);
        }
    }

    /// <summary>
    /// At the stop, after the last turn: the portals still waiting for a turn were claimed (their next poll moved on,
    /// past the start-up pass's bound for a claim of that pass) and are not asked. They are due at once, for another
    /// replica's sweep or the next start's pass.
    /// </summary>
    public async Task HandOverReadyAsync()
    {
        var ready = scheduler.ReadyPortals();
        if (ready.Count == 0)
        {
            return;
        }

        try
        {
            await polls.SetNextPollsAsync(ready, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SyncLog.WorkerLoopFailed(logger, ex);
        }
    }

    /// <summary>Readies the claimed portals in the background line; answers those in their turn or rest, whose turn answers the claim.</summary>
    private List<string> WakeAll(IReadOnlyList<string> claimed) => [.. claimed.Where(memberId => !scheduler.Wake(memberId, ReadyLine.Background))];

    /// <summary>
    /// A claim moves a portal's next poll on (past the start-up pass's bound, for a claim of that pass); its turn sets it
    /// to the portal's next slot. A portal claimed in its turn or rest has that turn for an answer, and its turn has set
    /// (or is about to set) its next poll, which the claim overwrote: it is set again here. Left as the claim set it, a
    /// portal drained just before a start-up pass would be beyond the next start's bound, and a replica starting within
    /// the interval would not look at it.
    /// </summary>
    private async Task AnsweredByTheirTurnsAsync(List<string> answered, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var memberId in answered)
        {
            await polls.SetNextPollAsync(memberId, NextSlot(memberId, now, options.Value.PollInterval), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A portal whose last drain is three polls old is stuck somewhere an operator should look; read a page at a time.</summary>
    private async Task WarnAboutStalePortalsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limit = now - (3 * options.Value.PollInterval);
        var after = "";
        while (true)
        {
            var page = await polls.StalePageAsync(limit, after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var (memberId, lastDrainAt) in page)
            {
                SyncLog.NotDrainedForLong(logger, memberId, lastDrainAt);
            }

            if (page.Count < PageSize)
            {
                return;
            }

            after = page[^1].MemberId;
        }
    }
}
