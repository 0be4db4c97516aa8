using Bitrix24OfflineSync.Sinks;

namespace Bitrix24OfflineSync.Sync.Journal;

/// <summary>Failures counted per queue row, and the dead letters: rows given up on after repeated failures.</summary>
internal interface IFailureLog
{
    /// <summary>Counts one more failure for each queue row; returns the count per message id.</summary>
    Task<IReadOnlyDictionary<string, int>> CountFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, string reason, CancellationToken cancellationToken);

    Task ForgetFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken);

    /// <summary>
    /// Records a poison row once: a row dead-lettered again keeps its first record (when, why, after how many
    /// attempts) and takes the latest cause (with its why, when the cause is another), status and answer; a replay
    /// asked for it has had its go.
    /// </summary>
    Task DeadLetterAsync(string memberId, DeadLetter letter, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>How many dead letters each portal has, for the operators' overview.</summary>
    Task<IReadOnlyDictionary<string, int>> DeadLetterCountsAsync(CancellationToken cancellationToken);

    /// <summary>Ends the dead letters of objects the sink has now taken (a state fetched after they were given up); returns those ended.</summary>
    Task<IReadOnlyList<DeadLetter>> EndDeadLettersAsync(string memberId, IReadOnlyCollection<ObjectKey> taken, CancellationToken cancellationToken);

    /// <summary>Asks for the portal's dead letters to be replayed (those of one object, or all); returns how many were asked for.</summary>
    Task<int> RequestReplayAsync(string memberId, ObjectKey? only, CancellationToken cancellationToken);

    /// <summary>Whether a replay of any of the portal's dead letters is asked for and has not had its go.</summary>
    Task<bool> ReplayRequestedAsync(string memberId, CancellationToken cancellationToken);

    /// <summary>Takes back the replay requests of these rows (they cannot be replayed).</summary>
    Task CancelReplayAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken);
}

/// <summary>
/// A queue row given up on after repeated failures; on plans with reservations it was marked with
/// <c>event.offline.error</c>. <see cref="Cause"/> says whether its object could not be fetched or the sink refused it;
/// for a refusal, the sink's <see cref="Status"/> and the first KiB of its <see cref="Answer"/> (shown to operators,
/// never logged). <see cref="EventData"/> is the row's EVENT_DATA as JSON, from which a replay resolves the object
/// again; <see cref="ReplayRequested"/>: an operator asked for a replay that has not had its go yet.
/// </summary>
internal sealed record DeadLetter(
    string MessageId,
    string EventName,
    string Entity,
    string EntityId,
    string Reason,
    int Attempts,
    DateTimeOffset CreatedAt,
    DeadLetterCause Cause = DeadLetterCause.FetchFailed,
    string? Status = null,
    string? Answer = null,
    string? EventData = null,
    bool ReplayRequested = false);

/// <summary>Why a row was dead-lettered; the names are those of the <c>reason</c> label of <c>b24sync_dead_letters_total</c>.</summary>
internal enum DeadLetterCause
{
    /// <summary><c>fetch_failed</c>: its object could not be fetched (access denied, an event naming no object).</summary>
    FetchFailed,

    /// <summary><c>sink_refused</c>: the sink refused its object (a receiver's 4xx for it, a database refusing its row).</summary>
    SinkRefused,
}

internal static class DeadLetterCauses
{
    public static string Name(this DeadLetterCause cause) => cause == DeadLetterCause.SinkRefused ? "sink_refused" : "fetch_failed";

    public static DeadLetterCause Parse(string name) => name == "sink_refused" ? DeadLetterCause.SinkRefused : DeadLetterCause.FetchFailed;
}
