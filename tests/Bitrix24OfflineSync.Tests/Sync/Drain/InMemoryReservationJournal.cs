using Bitrix24OfflineSync.Sync.Journal;

namespace Bitrix24OfflineSync.Tests.Sync.Drain;

/// <summary>The reservation journal in memory: each recorded reservation with whether it is done and when it is next due.</summary>
internal sealed class InMemoryReservationJournal : IReservationJournal
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private bool _reserving;

    public IReadOnlyDictionary<string, Entry> Entries => _entries;

    public IReadOnlyList<string> Done => [.. _entries.Where(e => e.Value.Done).Select(e => e.Key)];

    public Task BeginReservingAsync(string memberId, CancellationToken cancellationToken)
    {
        _reserving = true;
        return Task.CompletedTask;
    }

    public Task EndReservingAsync(string memberId, CancellationToken cancellationToken)
    {
        _reserving = false;
        return Task.CompletedTask;
    }

    public Task<bool> MayHaveOrphansAsync(string memberId, CancellationToken cancellationToken) => Task.FromResult(_reserving);

    /// <summary>Whether rows were marked with <c>event.offline.error</c> and no pass has found the error rows empty since.</summary>
    public bool ErrorRows { get; set; }

    public Task ErrorRowsMarkedAsync(string memberId, CancellationToken cancellationToken)
    {
        ErrorRows = true;
        return Task.CompletedTask;
    }

    public Task NoErrorRowsAsync(string memberId, CancellationToken cancellationToken)
    {
        ErrorRows = false;
        return Task.CompletedTask;
    }

    public Task<bool> MayHaveErrorRowsAsync(string memberId, CancellationToken cancellationToken) => Task.FromResult(ErrorRows);

    public Task RecordAsync(string memberId, IReadOnlyCollection<string> processIds, bool errorQueue, CancellationToken cancellationToken)
    {
        foreach (var processId in processIds)
        {
            _entries[processId] = new Entry(errorQueue, Done: false, NextAttemptAt: null, Reason: null);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<JournalEntry>> PendingAsync(string memberId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<JournalEntry>>([.. _entries.Where(e => !e.Value.Done && !(e.Value.NextAttemptAt > now)).Select(e => new JournalEntry(e.Key, e.Value.ErrorQueue, 0))]);

    public Task<IReadOnlySet<string>> KnownPendingAsync(string memberId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(_entries.Where(e => !e.Value.Done).Select(e => e.Key).ToHashSet(StringComparer.Ordinal));

    public Task<DateTimeOffset?> OldestPendingAsync(CancellationToken cancellationToken) => Task.FromResult<DateTimeOffset?>(null);

    public Task MarkDoneAsync(string memberId, IReadOnlyCollection<string> processIds, CancellationToken cancellationToken)
    {
        foreach (var processId in processIds)
        {
            _entries[processId] = _entries[processId] with { Done = true };
        }

        return Task.CompletedTask;
    }

    public Task PostponeAsync(string memberId, IReadOnlyCollection<string> processIds, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        foreach (var processId in processIds)
        {
            _entries[processId] = _entries[processId] with { NextAttemptAt = nextAttemptAt, Reason = reason };
        }

        return Task.CompletedTask;
    }

    internal sealed record Entry(bool ErrorQueue, bool Done, DateTimeOffset? NextAttemptAt, string? Reason);
}
