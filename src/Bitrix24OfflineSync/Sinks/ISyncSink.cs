namespace Bitrix24OfflineSync.Sinks;

/// <summary>
/// Where changes go. <see cref="CommitAsync"/> returns only once the changes are durably stored by the sink; only
/// then does the drain clear them from the portal's queue. A sink is idempotent: the same batch may come again.
/// </summary>
internal interface ISyncSink
{
    /// <summary>
    /// How the metrics, spans and logs call this sink (<c>database</c>, <c>http</c>): the sink says it, so the code
    /// that measures commits need not know the kinds of sink there are.
    /// </summary>
    string Name { get; }

    /// <summary>
    /// Stores the batch durably but for the objects the sink refuses on their own (answered, each left out: see
    /// <see cref="RefusalSearch"/>), or throws <see cref="SinkUnavailableException"/> (the batch is kept reserved and
    /// retried), or <see cref="CommitFenceLostException"/> when the batch's fence no longer holds.
    /// </summary>
    Task<SinkCommitResult> CommitAsync(SinkBatch batch, CancellationToken cancellationToken);

    /// <summary>Removes what the sink holds of a portal (ONAPPUNINSTALL with CLEAN=1); a sink that holds nothing does nothing.</summary>
    Task ForgetPortalAsync(string memberId, string? domain, CancellationToken cancellationToken);

    /// <summary>
    /// The portals' field lists were read or dropped (they are in <see cref="Fields.IPortalFieldStore"/>);
    /// <paramref name="changed"/> says whether any field or label differs from before. A sink that shapes what it holds
    /// by them follows (the mirror replaces its views), or throws <see cref="SinkUnavailableException"/>; others do nothing.
    /// </summary>
    Task FieldsReadAsync(bool changed, CancellationToken cancellationToken);
}

/// <summary>
/// One commit: the portal, a stable id (the same on every retry of the same reserved batch), the changes, the queue
/// reservations (process ids) they came from, and the fence the commit is conditional on where the sink can hold it
/// (the database mirror does; null: not fenced).
/// </summary>
internal sealed record SinkBatch(
    string MemberId,
    string Domain,
    string BatchId,
    IReadOnlyList<ObjectChange> Changes,
    IReadOnlyList<string>? ProcessIds = null,
    CommitFence? Fence = null);

/// <summary>What a commit stored: every change of the batch but the <see cref="Refused"/> ones.</summary>
internal sealed record SinkCommitResult(IReadOnlyList<SinkRefusal> Refused)
{
    public static SinkCommitResult Accepted { get; } = new([]);
}

/// <summary>
/// An object the sink refused for what it is, not because the sink is down: a receiver's 4xx for it alone, or a
/// database refusing its row. <see cref="Status"/> says how (<c>HTTP 422</c>, <c>SQLSTATE 23514</c>, <c>SQLite 19</c>);
/// <see cref="Answer"/> is the first KiB of the answer, which may quote the object: it is kept, never logged.
/// </summary>
internal sealed record SinkRefusal(ObjectKey Key, string Status, string Answer);

/// <summary>
/// Who may commit a portal's changes now: the holder (<see cref="Owner"/>) of the portal's drain lease at its
/// <see cref="Number"/>. A holder that was paused past its lease has a lower number than the one that took it over.
/// </summary>
internal sealed record CommitFence(string MemberId, string Owner, long Number);

/// <summary>The sink could not take the batch now; nothing of it may be cleared.</summary>
internal sealed class SinkUnavailableException(string reason, Exception? inner = null) : Exception(reason, inner)
{
    public string Reason { get; } = reason;
}

/// <summary>The batch's fence no longer holds: another holder drains the portal, and nothing of this batch was written.</summary>
internal sealed class CommitFenceLostException(CommitFence fence)
    : Exception($"the commit fence of portal {fence.MemberId} (number {fence.Number}) no longer holds")
{
    public CommitFence Fence { get; } = fence;
}
