using System.Collections.Concurrent;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.Sync.Scheduling;
using Bitrix24OfflineSync.Sync.Turns;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync;

/// <summary>
/// Runs drains: takes the portals <see cref="DrainScheduler"/> has ready (the urgent line first), at most
/// <see cref="SyncOptions.MaxConcurrentDrains"/> turns at once (turns wait on the network, so this is high; each
/// portal's request budget and operating time are the real limits), never two turns of one portal at once, and each
/// turn bounded so a huge backlog goes to the back of the line instead of starving small portals. After a turn it tells
/// the scheduler when the portal is due again (its cadence, a retry, an operating-time reset, a drift check) and records
/// that time durably for the safety net. Across replicas on one database a portal's turn runs under its lease
/// (<see cref="IDrainLeases"/>): one replica at a time drains it.
/// </summary>
internal sealed class DrainWorker(
    DrainScheduler scheduler,
    SafetyNet safetyNet,
    IPollSchedule polls,
    IPortalRegistry registry,
    IPortalSyncState syncState,
    DirtyPortals dirty,
    PortalTurnRunner turns,
    DrainTurnLease leases,
    LeaseOwner owner,
    DrainHeartbeat heartbeat,
    SchedulingGauges gauges,
    IOptions<SyncOptions> options,
    TimeProvider time,
    ILogger<DrainWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Task, bool> _turns = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        gauges.Observe();
        using var slots = new SemaphoreSlim(settings.MaxConcurrentDrains, settings.MaxConcurrentDrains);
        try
        {
            SyncLog.WorkerStarted(logger, await polls.CountActiveAsync(stoppingToken).ConfigureAwait(false), settings.PollInterval, settings.MaxConcurrentDrains);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only the count for the log: a database away at start must not stop the service (readiness says so).
            SyncLog.WorkerLoopFailed(logger, ex);
        }

        SyncLog.LeaseOwnerStarted(logger, owner.Id, settings.LeaseDuration);
        var sweep = safetyNet.RunAsync(startUpPass: true, stoppingToken);
        var scan = ScanSignalsAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // A slot first, then the portal: the line is read when a turn can start, so urgent news taken meanwhile goes first.
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                string memberId;
                try
                {
                    memberId = await scheduler.TakeAsync(stoppingToken).ConfigureAwait(false);
                }
                catch
                {
                    slots.Release();
                    throw;
                }

                heartbeat.Beat();
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
        await sweep.ConfigureAwait(false);
        await scan.ConfigureAwait(false);
        await safetyNet.HandOverReadyAsync().ConfigureAwait(false);
    }

    private async Task TurnAsync(string memberId, SemaphoreSlim slots, CancellationToken stopping)
    {
        var started = time.GetUtcNow();
        var outcome = TurnOutcome.Done;
        try
        {
            await Task.Yield();
            outcome = await LeasedTurnAsync(memberId, stopping).ConfigureAwait(false);
        }
        catch (PortalNeedsReauthException)
        {
            SyncLog.SkippedNeedsReauth(logger, memberId);
        }
        catch (DrainLeaseLostException ex)
        {
            // No retry from here: the replica that took the lease over drains the portal.
            SyncLog.LeaseLost(logger, memberId, ex.Lease.Fence);
            outcome = TurnOutcome.Skipped;
        }
        catch (BitrixMethodPausedException ex)
        {
            // A pause is not a failure: nothing of the turn is lost, and the portal goes on when the method may.
            SyncLog.MethodPaused(logger, memberId, ex.Method, ex.Until);
            outcome = TurnOutcome.Done with { Due = (DueReason.Paused, ex.Until) };
        }
        catch (Exception ex)
        {
            SyncLog.DrainFailed(logger, ex, memberId, ex.Message);
            outcome = TurnOutcome.Done with { Due = (DueReason.Retry, time.GetUtcNow() + options.Value.RetryDelay) };
        }
        finally
        {
            slots.Release();
            heartbeat.Beat();
        }

        await ScheduleAfterAsync(memberId, started, outcome, stopping).ConfigureAwait(false);
    }

    /// <summary>Tells the scheduler when the portal is due again, and records it durably for the safety net.</summary>
    private async Task ScheduleAfterAsync(string memberId, DateTimeOffset started, TurnOutcome outcome, CancellationToken stopping)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (outcome.Due is { } due)
        {
            scheduler.WakeAt(memberId, due.Reason, due.At);
        }

        if (outcome.CheckDue is { } check)
        {
            scheduler.WakeAt(memberId, DueReason.DriftCheck, check);
        }

        if (outcome.End == TurnEnd.SignalledMeanwhile)
        {
            scheduler.Wake(memberId);
        }

        // The cadence: the portal's next turn starts no sooner than MinDrainInterval after this one did, unless this one
        // left a backlog.
        scheduler.Finished(memberId, outcome.End == TurnEnd.MoreWork && !stopping.IsCancellationRequested, started + settings.MinDrainInterval - now);
        if (outcome.End == TurnEnd.Skipped)
        {
            return;
        }

        // The safety net polls the portal at its next slot (about a poll interval from now, spread over the interval
        // across the fleet), or when something known falls due sooner (a turn cut short is due at once): another replica,
        // or this one after a restart, takes it up then (a turn the stop cut short may have left its queue unread).
        var next = outcome.End == TurnEnd.MoreWork || stopping.IsCancellationRequested ? now : SafetyNet.NextSlot(memberId, now, settings.PollInterval);
        next = Earliest(next, outcome.Due?.At, outcome.CheckDue);
        try
        {
            await polls.SetNextPollAsync(memberId, next, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SyncLog.WorkerLoopFailed(logger, ex);
        }
    }

    /// <summary>
    /// One turn under the portal's lease; without the lease the turn is skipped, as its holder drains the portal.
    /// Answers whether the portal needs another turn, at once or after its rest, and what falls due later.
    /// </summary>
    private async Task<TurnOutcome> LeasedTurnAsync(string memberId, CancellationToken stopping)
    {
        using var span = SyncMetrics.StartTurn(memberId);
        var portal = await registry.FindAsync(memberId, CancellationToken.None).ConfigureAwait(false);
        if (portal is null || portal.Status != PortalStatus.Active)
        {
            if (portal?.Status == PortalStatus.NeedsReauth)
            {
                SyncLog.SkippedNeedsReauth(logger, memberId);
            }

            return TurnOutcome.Skipped;
        }

        var lease = await leases.TryAcquireAsync(memberId, owner.Id, options.Value.LeaseDuration, CancellationToken.None).ConfigureAwait(false);
        if (lease is null)
        {
            SyncLog.LeaseHeldElsewhere(logger, memberId);
            return TurnOutcome.Skipped;
        }

        TurnResult result;
        try
        {
            // Signals are taken before the drain looks at the queue: a doorbell from here on marks the portal dirty again.
            await dirty.ConsumeAsync(memberId, CancellationToken.None).ConfigureAwait(false);
            result = await turns.RunAsync(portal, lease, stopping).ConfigureAwait(false);
            await syncState.RecordDrainAsync(memberId, time.GetUtcNow(), result.Events, result.Objects, CancellationToken.None).ConfigureAwait(false);
            if (result.Events > 0)
            {
                SyncLog.Drained(logger, memberId, result.Objects, result.Events, result.Rounds, result.MoreWork);
            }
        }
        finally
        {
            await leases.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }

        // Read after the release: a replica rung while this one held the lease skipped its turn, so its signal,
        // written before that attempt, is seen here and this replica goes again.
        var again = result.MoreWork ? TurnEnd.MoreWork
            : (await registry.FindAsync(memberId, CancellationToken.None).ConfigureAwait(false))?.IsDirty == true ? TurnEnd.SignalledMeanwhile
            : TurnEnd.Done;

        // Reservations waiting for a method's operating-time reset are due then, postponed ones one retry delay from now
        // at the latest: the safety net may be too far away.
        (DueReason, DateTimeOffset)? due = result.PausedUntil is { } until ? (DueReason.Paused, until)
            : result.RetryPending && again == TurnEnd.Done ? (DueReason.Retry, time.GetUtcNow() + options.Value.RetryDelay)
            : null;
        return new TurnOutcome(again, due, result.NextCheckAt);
    }

    /// <summary>Wakes the portals that another process marked dirty; this one's doorbells wake theirs at once.</summary>
    private async Task ScanSignalsAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SignalScanInterval, time);
        try
        {
            do
            {
                try
                {
                    foreach (var memberId in await syncState.DirtyAsync(stoppingToken).ConfigureAwait(false))
                    {
                        scheduler.Wake(memberId);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    SyncLog.WorkerLoopFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static DateTimeOffset Earliest(DateTimeOffset first, params DateTimeOffset?[] others) =>
        others.Aggregate(first, (min, other) => other is { } o && o < min ? o : min);

    private enum TurnEnd
    {
        /// <summary>Nothing left: the portal waits for a wake-up.</summary>
        Done,

        /// <summary>Marked dirty meanwhile (by another replica's doorbell): another turn after the rest.</summary>
        SignalledMeanwhile,

        /// <summary>The turn was used up with a backlog left: another turn at once.</summary>
        MoreWork,

        /// <summary>Not this replica's to drain (another holds the lease, or the portal is not active): nothing recorded.</summary>
        Skipped,
    }

    /// <param name="End">Whether the portal goes again.</param>
    /// <param name="Due">A retry or an operating-time reset, when one falls due.</param>
    /// <param name="CheckDue">When the portal's next drift check falls due, when known.</param>
    private sealed record TurnOutcome(TurnEnd End, (DueReason Reason, DateTimeOffset At)? Due, DateTimeOffset? CheckDue)
    {
        public static readonly TurnOutcome Done = new(TurnEnd.Done, null, null);

        public static readonly TurnOutcome Skipped = new(TurnEnd.Skipped, null, null);
    }
}
