using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Sync.Drain;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Model;

namespace Bitrix24OfflineSync.Tests.Sync.Drain;

/// <summary>
/// A portal's offline queue kept in memory, behaving as the server does for what a reservation round uses: a get with
/// <c>clear=0</c> reserves up to its limit of the free rows under a new process id (an empty reservation when none are
/// free), a clear deletes a whole reservation or only its listed rows, and <c>event.offline.error</c> moves rows to the
/// error rows. Pauses for operating time and errors can be set for the gets and the clears.
/// </summary>
internal sealed class InMemoryOfflineQueue : IOfflineQueue
{
    private readonly List<Row> _rows = [];
    private int _nextProcess;

    /// <summary>The gets answer paused until then (no reservation is made).</summary>
    public DateTimeOffset? GetsPausedUntil { get; set; }

    /// <summary>The gets answer this error (no reservation is made).</summary>
    public BitrixError? GetsError { get; set; }

    /// <summary>The clears answer paused until then (nothing is cleared).</summary>
    public DateTimeOffset? ClearsPausedUntil { get; set; }

    /// <summary>The clears answer this error (nothing is cleared).</summary>
    public BitrixError? ClearsError { get; set; }

    /// <summary>Every clear sent, in order.</summary>
    public List<QueueClear> Clears { get; } = [];

    public void Add(params OfflineEvent[] events) => _rows.AddRange(events.Select(e => new Row(e)));

    /// <summary>The rows still in the queue (free, reserved or error rows).</summary>
    public IReadOnlyList<OfflineEvent> Rows => [.. _rows.Select(r => r.Event)];

    /// <summary>The rows reserved under <paramref name="processId"/>.</summary>
    public IReadOnlyList<OfflineEvent> Reserved(string processId) => [.. _rows.Where(r => r.ProcessId == processId).Select(r => r.Event)];

    /// <summary>The rows marked with <c>event.offline.error</c>.</summary>
    public IReadOnlyList<OfflineEvent> ErrorRows => [.. _rows.Where(r => r.Error).Select(r => r.Event)];

    /// <summary>Each reservation request, by whether it asked for the error rows (<c>error=1</c>).</summary>
    public List<bool> Requests { get; } = [];

    public Task<QueueRead> ReserveAsync(string memberId, int gets, int limit, bool errorQueue, CancellationToken cancellationToken)
    {
        Requests.Add(errorQueue);
        if (GetsPausedUntil is { } until)
        {
            return Task.FromResult(new QueueRead([], until, null));
        }

        if (GetsError is { } error)
        {
            return Task.FromResult(new QueueRead([], null, error));
        }

        var reservations = new List<Reservation>();
        for (var i = 0; i < gets; i++)
        {
            var processId = $"p{++_nextProcess}";
            var taken = _rows.Where(r => r.ProcessId is null && r.Error == errorQueue).Take(limit).ToList();
            taken.ForEach(r => r.ProcessId = processId);
            reservations.Add(new Reservation(processId, errorQueue, [.. taken.Select(r => r.Event)]));
        }

        return Task.FromResult(new QueueRead(reservations, null, null));
    }

    public async Task<(QueueRead Read, ClearOutcome Cleared)> ClearAndReserveAsync(
        string memberId, IReadOnlyList<QueueClear> clears, int gets, int limit, CancellationToken cancellationToken)
    {
        var cleared = await ClearAsync(memberId, clears, cancellationToken);
        return (await ReserveAsync(memberId, gets, limit, errorQueue: false, cancellationToken), cleared);
    }

    public Task<ClearOutcome> ClearAsync(string memberId, IReadOnlyList<QueueClear> clears, CancellationToken cancellationToken)
    {
        if (ClearsPausedUntil is not null || ClearsError is not null)
        {
            return Task.FromResult(new ClearOutcome(ClearsPausedUntil, ClearsError));
        }

        foreach (var clear in clears.Where(c => !c.IsEmpty))
        {
            Clears.Add(clear);
            _rows.RemoveAll(r => r.ProcessId == clear.ProcessId && (clear.Whole || clear.MessageIds.Contains(r.Event.MessageId)));
        }

        return Task.FromResult(new ClearOutcome(null, null));
    }

    public Task MarkErrorAsync(string memberId, string processId, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        foreach (var row in _rows.Where(r => r.ProcessId == processId && messageIds.Contains(r.Event.MessageId)))
        {
            row.ProcessId = null;
            row.Error = true;
        }

        return Task.CompletedTask;
    }

    public Task<QueueRead> RereadAsync(string memberId, IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken) =>
        Task.FromResult(new QueueRead([.. entries.Select(e => new Reservation(e.ProcessId, e.ErrorQueue, Reserved(e.ProcessId)))], null, null));

    public Task<IReadOnlyDictionary<string, bool>> ReservedProcessIdsAsync(string memberId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a reservation round never lists the queue");

    public Task<IReadOnlyList<OfflineEvent>> ReadAndDeleteAsync(string memberId, string? processId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a reservation round never reads with clear=1");

    private sealed class Row(OfflineEvent row)
    {
        public OfflineEvent Event { get; } = row;

        public string? ProcessId { get; set; }

        public bool Error { get; set; }
    }
}
