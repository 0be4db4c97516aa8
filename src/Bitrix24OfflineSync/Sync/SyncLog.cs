namespace Bitrix24OfflineSync.Sync;

/// <summary>The drain, ids 1300–1399.</summary>
internal static partial class SyncLog
{
    [LoggerMessage(1301, LogLevel.Information, "Drained portal {MemberId}: {ObjectCount} objects from {EventCount} events in {Rounds} rounds; more waiting: {MoreWork}")]
    public static partial void Drained(ILogger logger, string memberId, int objectCount, int eventCount, int rounds, bool moreWork);

    [LoggerMessage(1302, LogLevel.Warning, "Drain of portal {MemberId} failed: {Reason}; the reserved batches are kept and retried")]
    public static partial void DrainFailed(ILogger logger, Exception exception, string memberId, string reason);

    [LoggerMessage(1303, LogLevel.Information, "Recovering {ReservationCount} reservations of portal {MemberId} ({Source})")]
    public static partial void Recovering(ILogger logger, string memberId, int reservationCount, string source);

    [LoggerMessage(1304, LogLevel.Error, "Dead-lettered {Entity} {EntityId} of portal {MemberId} after {Attempts} attempts: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string entity, string entityId, string memberId, int attempts, string reason);

    [LoggerMessage(1305, LogLevel.Warning, "{Entity} {EntityId} of portal {MemberId} failed ({Reason}), attempt {Attempts}; it stays reserved and is retried")]
    public static partial void ItemFailed(ILogger logger, string entity, string entityId, string memberId, int attempts, string reason);

    [LoggerMessage(1306, LogLevel.Warning, "Portal {MemberId}'s plan lacks rest_offline_extended: draining with clear=1. Rows are deleted by the server when read, so a read whose answer is lost in transit is lost; rows received are stored locally first and synced at least once")]
    public static partial void BasicMode(ILogger logger, string memberId);

    [LoggerMessage(1307, LogLevel.Information, "Portal {MemberId}'s plan has rest_offline_extended: two-phase drain with reservations")]
    public static partial void ExtendedMode(ILogger logger, string memberId);

    [LoggerMessage(1308, LogLevel.Error, "Portal {MemberId} is skipped: it needs re-authorization")]
    public static partial void SkippedNeedsReauth(ILogger logger, string memberId);

    [LoggerMessage(1309, LogLevel.Information, "Drain worker started: {PortalCount} active portals, poll every {PollInterval}, {MaxConcurrent} at once")]
    public static partial void WorkerStarted(ILogger logger, int portalCount, TimeSpan pollInterval, int maxConcurrent);

    [LoggerMessage(1310, LogLevel.Information, "Drain worker stopping: no new batches are taken; {InFlight} in flight finish or stay reserved for recovery")]
    public static partial void WorkerStopping(ILogger logger, int inFlight);

    [LoggerMessage(1311, LogLevel.Debug, "Portal {MemberId}: queue empty")]
    public static partial void QueueEmpty(ILogger logger, string memberId);

    [LoggerMessage(1313, LogLevel.Warning, "Portal {MemberId} has not been drained since {LastDrainAt}; check its log lines and the REST answers")]
    public static partial void NotDrainedForLong(ILogger logger, string memberId, DateTimeOffset lastDrainAt);

    [LoggerMessage(1316, LogLevel.Warning, "The fleet gauges could not be read ({Reason}); the scrape shows the last values read")]
    public static partial void GaugesUnavailable(ILogger logger, string reason);

    [LoggerMessage(1312, LogLevel.Error, "Drain worker loop failed; it goes on")]
    public static partial void WorkerLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(1314, LogLevel.Warning, "Portal {MemberId} refused a reservation with WRONG_LICENSE: its plan lacks {Feature}; it is drained with clear=1 from now on")]
    public static partial void FeatureRefused(ILogger logger, string memberId, string feature);

    [LoggerMessage(1315, LogLevel.Information, "Portal {MemberId}: {Method} is paused for its operating time until {Until}; the drain goes on then")]
    public static partial void MethodPaused(ILogger logger, string memberId, string method, DateTimeOffset until);

    [LoggerMessage(1340, LogLevel.Error, "Dead-lettered {Entity} {EntityId} of portal {MemberId}: the sink refused it {Attempts} times, last with {Status}; deadletters list shows its answer")]
    public static partial void DeadLetteredRefused(ILogger logger, string entity, string entityId, string memberId, int attempts, string status);

    [LoggerMessage(1341, LogLevel.Information, "Dead letter {MessageId} of portal {MemberId} ended: the sink took {Entity} {EntityId}")]
    public static partial void DeadLetterEnded(ILogger logger, string entity, string entityId, string memberId, string messageId);

    [LoggerMessage(1342, LogLevel.Information, "Replaying {LetterCount} dead letters of portal {MemberId}, as an operator asked")]
    public static partial void Replaying(ILogger logger, string memberId, int letterCount);

    [LoggerMessage(1343, LogLevel.Warning, "Dead letter {MessageId} of portal {MemberId} ({Entity} {EntityId}) cannot be replayed: it was recorded without its event; the object syncs when it changes again")]
    public static partial void NotReplayable(ILogger logger, string entity, string entityId, string memberId, string messageId);

    [LoggerMessage(1350, LogLevel.Debug, "Portal {MemberId} is drained by another replica now (it holds the lease); this turn is skipped")]
    public static partial void LeaseHeldElsewhere(ILogger logger, string memberId);

    [LoggerMessage(1351, LogLevel.Warning, "Portal {MemberId}: this replica's drain lease (fence {Fence}) was taken over; the turn stopped before committing or clearing more, and the new holder finishes its reservations")]
    public static partial void LeaseLost(ILogger logger, string memberId, long fence);

    [LoggerMessage(1352, LogLevel.Information, "Drain leases: this replica is {Owner}, a lease lasts {LeaseDuration}")]
    public static partial void LeaseOwnerStarted(ILogger logger, string owner, TimeSpan leaseDuration);
}
