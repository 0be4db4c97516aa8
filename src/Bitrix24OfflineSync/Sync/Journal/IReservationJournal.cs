namespace Bitrix24OfflineSync.Sync.Journal;

/// <summary>
/// The drain's durable memory of reservations: every process id is recorded before its batch is processed and
/// marked done after its clear, so a crash at any point leaves a list of reservations to re-read.
/// </summary>
internal interface IReservationJournal
{
    /// <summary>
    /// Notes that a reservation is about to be asked for: until <see cref="EndReservingAsync"/> (after its answer is
    /// recorded, or after an orphan scan), a crash may leave rows reserved that the journal does not know.
    /// </summary>
    Task BeginReservingAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>The reservation's answer arrived and what it holds is recorded (or it held nothing).</summary>
    Task EndReservingAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>Whether a reservation of the portal was asked for and never recorded: its rows may be orphans.</summary>
    Task<bool> MayHaveOrphansAsync(string memberId, CancellationToken cancellationToken);

    Task RecordAsync(string memberId, IReadOnlyCollection<string> processIds, bool errorQueue, CancellationToken cancellationToken);

    /// <summary>
    /// Notes that rows of the portal are about to be marked with <c>event.offline.error</c>: until
    /// <see cref="NoErrorRowsAsync"/>, its queue may hold error rows, which only a pass with <c>error=1</c> brings back.
    /// </summary>
    Task ErrorRowsMarkedAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>A pass over the error rows found none: nothing this service marked is left in the portal's queue.</summary>
    Task NoErrorRowsAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>Whether rows of the portal were marked (by any replica, at any time) and no pass has found the error rows empty since.</summary>
    Task<bool> MayHaveErrorRowsAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>Reservations not yet done whose next attempt is due at <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<JournalEntry>> PendingAsync(string memberId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every reservation not yet done, due or not (an orphan scan must not take them for orphans).</summary>
    Task<IReadOnlySet<string>> KnownPendingAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>When the oldest reservation not yet done, of any portal, was recorded; null when there is none.</summary>
    Task<DateTimeOffset?> OldestPendingAsync(CancellationToken cancellationToken);

    Task MarkDoneAsync(string memberId, IReadOnlyCollection<string> processIds, CancellationToken cancellationToken);

    /// <summary>The reservation stays pending; it is retried after <paramref name="nextAttemptAt"/>.</summary>
    Task PostponeAsync(string memberId, IReadOnlyCollection<string> processIds, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken);
}

/// <summary>A recorded reservation: its process id, whether it came from the error rows, and how often it failed.</summary>
internal sealed record JournalEntry(string ProcessId, bool ErrorQueue, int Attempts);
