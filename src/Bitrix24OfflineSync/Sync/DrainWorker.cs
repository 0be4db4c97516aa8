using System.Collections.Concurrent;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sync.Drain;
using Bitrix24OfflineSync.Sync.Leases;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync;

/// <summary>
/// Schedules drains: portals woken by doorbells, by the start-up pass and by the safety-net poll, at most
/// <see cref="SyncOptions.MaxConcurrentDrains"/> at once, never two turns of one portal at once, and each turn bounded
/// so a huge backlog goes to the back of the line instead of starving small portals. Across replicas on one database
/// a portal's turn runs under its lease (<see cref="IDrainLeases"/>): one replica at a time drains it.
/// </summary>
internal sealed class DrainWorker(
    PortalWakeUps wakeUps,
    IPortalRegistry registry,
    IPortalSyncState syncState,
    DirtyPortals dirty,
    PortalDrainer drainer,
    IDrainLeases leases,
    LeaseOwner owner,
    DrainHeartbeat heartbeat,
    IOptions<SyncOptions> options,
    TimeProvider time,
    ILogger<DrainWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Task, bool> _turns = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var slots = new SemaphoreSlim(settings.MaxConcurrentDrains, settings.MaxConcurrentDrains);
        var active = await WakeAllActiveAsync(stoppingToken).ConfigureAwait(false);
        SyncLog.WorkerStarted(logger, active, settings.PollInterval, settings.MaxConcurrentDrains);
        SyncLog.LeaseOwnerStarted(logger, owner.Id, settings.LeaseDuration);
        var poll = PollAsync(stoppingToken);
        var scan = ScanSignalsAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var memberId = await wakeUps.TakeAsync(stoppingToken).ConfigureAwait(false);
                heartbeat.Beat();
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var turn = TurnAsync(memberId, slots, stoppingToken);
                _turns[turn] = true;
                _ = turn.ContinueWith(t => _turns.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        SyncLog.WorkerStopping(logger, _turns.Count);
        await Task.WhenAll(_turns.Keys).ConfigureAwait(false);
        await poll.ConfigureAwait(false);
        await scan.ConfigureAwait(false);
    }

    private async Task TurnAsync(string memberId, SemaphoreSlim slots, CancellationToken stopping)
    {
        var started = time.GetUtcNow();
        var next = TurnEnd.Done;
        try
        {
            await Task.Yield();
            next = await LeasedTurnAsync(memberId, stopping).ConfigureAwait(false);
        }
        catch (PortalNeedsReauthException)
        {
            SyncLog.SkippedNeedsReauth(logger, memberId);
        }
        catch (DrainLeaseLostException ex)
        {
            // No retry from here: the replica that took the lease over drains the portal.
            SyncLog.LeaseLost(logger, memberId, ex.Lease.Fence);
        }
        catch (BitrixMethodPausedException ex)
        {
            // A pause is not a failure: nothing of the turn is lost, and the portal goes on when the method may.
            SyncLog.MethodPaused(logger, memberId, ex.Method, ex.Until);
            _ = WakeLaterAsync(memberId, ex.Until - time.GetUtcNow(), stopping);
        }
        catch (Exception ex)
        {
            SyncLog.DrainFailed(logger, ex, memberId, ex.Message);
            _ = WakeLaterAsync(memberId, options.Value.RetryDelay, stopping);
        }
        finally
        {
            slots.Release();
            heartbeat.Beat();
            if (next == TurnEnd.Dirty)
            {
                wakeUps.Wake(memberId);
            }

            // The cadence: the portal's next turn starts no sooner than MinDrainInterval after this one did, unless
            // this one left a backlog.
            wakeUps.Finished(memberId, next == TurnEnd.MoreWork && !stopping.IsCancellationRequested, started + options.Value.MinDrainInterval - time.GetUtcNow());
        }
    }

    /// <summary>
    /// One turn under the portal's lease; without the lease the turn is skipped, as its holder drains the portal.
    /// Answers whether the portal needs another turn, at once or after its rest.
    /// </summary>
    private async Task<TurnEnd> LeasedTurnAsync(string memberId, CancellationToken stopping)
    {
        using var span = SyncMetrics.StartTurn(memberId);
        var portal = await registry.FindAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        if (portal is null || portal.Status != PortalStatus.Active)
        {
            if (portal?.Status == PortalStatus.NeedsReauth)
            {
                SyncLog.SkippedNeedsReauth(logger, memberId);
            }

            return TurnEnd.Done;
        }

        var lease = await leases.TryAcquireAsync(memberId, owner.Id, options.Value.LeaseDuration, CancellationToken.None).ConfigureAwait(false);
        if (lease is null)
        {
            SyncLog.LeaseHeldElsewhere(logger, memberId);
            return TurnEnd.Done;
        }

        bool moreWork;
        bool retryPending;
        DateTimeOffset? pausedUntil;
        try
        {
            // Signals are taken before the drain looks at the queue: a doorbell from here on marks the portal dirty again.
            await dirty.ConsumeAsync(memberId, CancellationToken.None).ConfigureAwait(false);
            var tally = await drainer.DrainAsync(portal, stopping, lease).ConfigureAwait(false);
            await syncState.RecordDrainAsync(memberId, time.GetUtcNow(), tally.Events, tally.Objects, CancellationToken.None).ConfigureAwait(false);
            if (tally.Events > 0)
            {
                SyncLog.Drained(logger, memberId, tally.Objects, tally.Events, tally.Rounds, tally.MoreWork);
            }

            moreWork = tally.MoreWork;
            retryPending = tally.RetryPending;
            pausedUntil = tally.PausedUntil;
        }
        finally
        {
            await leases.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }

        // Read after the release: a replica rung while this one held the lease skipped its turn, so its signal,
        // written before that attempt, is seen here and this replica goes again.
        var again = moreWork ? TurnEnd.MoreWork
            : (await registry.FindAsync(memberId, CancellationToken.None).ConfigureAwait(false))?.IsDirty == true ? TurnEnd.Dirty
            : TurnEnd.Done;
        if (pausedUntil is { } until)
        {
            // Reservations waiting for a method's operating-time reset are due then; the poll may be too far away.
            _ = WakeLaterAsync(memberId, until - time.GetUtcNow(), stopping);
        }
        else if (retryPending && again == TurnEnd.Done)
        {
            // Postponed reservations are due one retry delay from now at the latest; the poll is too far away.
            _ = WakeLaterAsync(memberId, options.Value.RetryDelay, stopping);
        }

        return again;
    }

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await WakeAllActiveAsync(stoppingToken).ConfigureAwait(false);
                    await WarnAboutStalePortalsAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    SyncLog.WorkerLoopFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Wakes the portals that another process marked dirty; this one's doorbells wake theirs at once.</summary>
    private async Task ScanSignalsAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SignalScanInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    foreach (var memberId in await syncState.DirtyAsync(stoppingToken).ConfigureAwait(false))
                    {
                        wakeUps.Wake(memberId);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    SyncLog.WorkerLoopFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<int> WakeAllActiveAsync(CancellationToken cancellationToken)
    {
        var portals = await registry.ListAsync(cancellationToken).ConfigureAwait(false);
        var active = portals.Where(p => p.Status == PortalStatus.Active).ToList();
        foreach (var portal in active)
        {
            wakeUps.Wake(portal.MemberId);
        }

        return active.Count;
    }

    /// <summary>A portal whose last drain is three polls old is stuck somewhere an operator should look.</summary>
    private async Task WarnAboutStalePortalsAsync(CancellationToken cancellationToken)
    {
        var limit = time.GetUtcNow() - (3 * options.Value.PollInterval);
        foreach (var portal in await registry.OverviewAsync(cancellationToken).ConfigureAwait(false))
        {
            if (portal.Status == PortalStatus.Active && portal.LastDrainAt is { } last && last < limit)
            {
                SyncLog.NotDrainedForLong(logger, portal.MemberId, last);
            }
        }
    }

    private async Task WakeLaterAsync(string memberId, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, time, stoppingToken).ConfigureAwait(false);
            wakeUps.Wake(memberId);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private enum TurnEnd
    {
        /// <summary>Nothing left: the portal waits for a wake-up.</summary>
        Done,

        /// <summary>Marked dirty meanwhile (by another replica's doorbell): another turn after the rest.</summary>
        Dirty,

        /// <summary>The turn was used up with a backlog left: another turn at once.</summary>
        MoreWork,
    }
}
