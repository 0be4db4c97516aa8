using System.Globalization;
using Bitrix24OfflineSync.Persistence;

namespace Bitrix24OfflineSync.Sync.Journal;

/// <summary>The reservation journal, in the same SQL on both providers.</summary>
internal sealed class SqlReservationJournal(ISqlDatabase database, TimeProvider time) : IReservationJournal
{
    public Task BeginReservingAsync(string memberId, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            "INSERT INTO drain_reserving (member_id, since) VALUES (@memberId, @now) ON CONFLICT (member_id) DO NOTHING;",
            new { memberId, now = database.TimeValue(time.GetUtcNow()) },
            cancellationToken);

    public Task EndReservingAsync(string memberId, CancellationToken cancellationToken) =>
        database.ExecuteAsync("DELETE FROM drain_reserving WHERE member_id = @memberId;", new { memberId }, cancellationToken);

    public async Task<bool> MayHaveOrphansAsync(string memberId, CancellationToken cancellationToken) =>
        await database.ScalarAsync("SELECT 1 FROM drain_reserving WHERE member_id = @memberId;", new { memberId }, cancellationToken).ConfigureAwait(false) is not null and not DBNull;

    public Task RecordAsync(string memberId, IReadOnlyCollection<string> processIds, bool errorQueue, CancellationToken cancellationToken)
    {
        var now = database.TimeValue(time.GetUtcNow());
        return database.WriteEachAsync(
            """
            INSERT INTO drain_journal (member_id, process_id, error_queue, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
            ON CONFLICT (member_id, process_id) DO NOTHING;
            """,
            [.. processIds.Select(p => new object?[] { memberId, p, errorQueue, now })],
            cancellationToken);
    }

    public Task ErrorRowsMarkedAsync(string memberId, CancellationToken cancellationToken) =>
        database.ExecuteAsync("INSERT INTO drain_error_rows (member_id) VALUES (@memberId) ON CONFLICT (member_id) DO NOTHING;", new { memberId }, cancellationToken);

    public Task NoErrorRowsAsync(string memberId, CancellationToken cancellationToken) =>
        database.ExecuteAsync("DELETE FROM drain_error_rows WHERE member_id = @memberId;", new { memberId }, cancellationToken);

    public async Task<bool> MayHaveErrorRowsAsync(string memberId, CancellationToken cancellationToken) =>
        await database.ScalarAsync("SELECT 1 FROM drain_error_rows WHERE member_id = @memberId;", new { memberId }, cancellationToken).ConfigureAwait(false) is not null and not DBNull;

    public async Task<IReadOnlyList<JournalEntry>> PendingAsync(string memberId, DateTimeOffset now, CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<(string ProcessId, object ErrorQueue, object Attempts)>(
            $"""
            SELECT process_id, error_queue, attempts FROM drain_journal
            WHERE member_id = @memberId AND NOT done AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
            ORDER BY created_at, process_id{database.ByteOrder};
            """,
            new { memberId, now = database.TimeValue(now) },
            cancellationToken).ConfigureAwait(false))
            .Select(r => new JournalEntry(r.ProcessId, SqlDatabaseExtensions.ReadBool(r.ErrorQueue), Convert.ToInt32(r.Attempts, CultureInfo.InvariantCulture)))];

    public async Task<IReadOnlySet<string>> KnownPendingAsync(string memberId, CancellationToken cancellationToken) =>
        (await database.QueryAsync<string>("SELECT process_id FROM drain_journal WHERE member_id = @memberId AND NOT done;", new { memberId }, cancellationToken).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);

    public async Task<DateTimeOffset?> OldestPendingAsync(CancellationToken cancellationToken) =>
        database.ReadTime(await database.ScalarAsync("SELECT MIN(created_at) FROM drain_journal WHERE NOT done;", null, cancellationToken).ConfigureAwait(false));

    public Task MarkDoneAsync(string memberId, IReadOnlyCollection<string> processIds, CancellationToken cancellationToken) =>
        processIds.Count == 0
            ? Task.CompletedTask
            : database.ExecuteAsync(
                $"UPDATE drain_journal SET done = TRUE, updated_at = @now WHERE member_id = @memberId AND {database.AnyOf("process_id", "processIds")};",
                new { memberId, processIds = processIds.ToArray(), now = database.TimeValue(time.GetUtcNow()) },
                cancellationToken);

    public Task PostponeAsync(string memberId, IReadOnlyCollection<string> processIds, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        processIds.Count == 0
            ? Task.CompletedTask
            : database.ExecuteAsync(
                $"""
                UPDATE drain_journal SET attempts = attempts + 1, last_error = @reason, next_attempt_at = @next, updated_at = @now
                WHERE member_id = @memberId AND {database.AnyOf("process_id", "processIds")};
                """,
                new { memberId, processIds = processIds.ToArray(), reason, next = database.TimeValue(nextAttemptAt), now = database.TimeValue(time.GetUtcNow()) },
                cancellationToken);
}
