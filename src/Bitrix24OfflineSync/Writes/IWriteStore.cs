namespace Bitrix24OfflineSync.Writes;

/// <summary>
/// The durable write queue: a write is stored before its 202, found by its key, applied in acceptance order per
/// portal, and ends in one final status. One contract, the same SQL on SQLite and PostgreSQL.
/// </summary>
internal interface IWriteStore
{
    /// <summary>
    /// Stores the writes in one transaction, all or none: a key already stored with the same content answers its
    /// status and stores nothing new; a key stored with other content refuses the whole request (<see cref="WriteAcceptance.ConflictingKey"/>).
    /// </summary>
    Task<WriteAcceptance> AcceptAsync(string memberId, IReadOnlyList<WriteRequest> writes, DateTimeOffset now, CancellationToken cancellationToken);

    Task<StoredWrite?> FindAsync(string memberId, string key, CancellationToken cancellationToken);

    /// <summary>The portal's writes not yet final, oldest first.</summary>
    Task<IReadOnlyList<StoredWrite>> OpenAsync(string memberId, int limit, CancellationToken cancellationToken);

    /// <summary>The writes are about to be sent: <c>applying</c>, marked sent (a create's outcome is unknown from here on) and counted as an attempt.</summary>
    Task MarkSentAsync(IReadOnlyCollection<long> seqs, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records an outcome: a final one, or an open one (queued again, with the reason) after a fault.</summary>
    Task FinishAsync(long seq, WriteOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The portal's writes, newest first, optionally of one status.</summary>
    Task<IReadOnlyList<StoredWrite>> ListAsync(string memberId, string? status, int limit, CancellationToken cancellationToken);

    /// <summary>Queues a failed or conflicting write again (its attempts start over); false when there is none such.</summary>
    Task<bool> RetryAsync(string memberId, string key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The portals that have writes not yet final: their turns are due.</summary>
    Task<IReadOnlyList<string>> PortalsWithOpenWritesAsync(CancellationToken cancellationToken);
}

/// <summary>What storing a request's writes answered: each write's key, status and whether this request stored it, or the key whose stored content differs.</summary>
internal sealed record WriteAcceptance(IReadOnlyList<(string Key, string Status, bool Stored)> Statuses, string? ConflictingKey);
