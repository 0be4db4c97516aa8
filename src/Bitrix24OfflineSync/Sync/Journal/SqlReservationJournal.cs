using Bitrix24OfflineSync.Persistence;
using Dapper;

namespace Bitrix24OfflineSync.Sync.Journal;

/// <summary>The reservation journal, in the same SQL on both providers.</summary>
internal sealed class SqlReservationJournal(ISqlDatabase database, TimeProvider time) : IReservationJournal
{
    public Task RecordAsync(string memberId, IReadOnlyCollection<string> processIds, bool errorQueue, CancellationToken cancellationToken)
    {
        if (processIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        var now = database.TimeValue(time.GetUtcNow());
        return database.RunAsync(
            async connection =>
            {
                await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                await database.ExecuteEachAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO drain_journal (member_id, process_id, error_queue, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
                    ON CONFLICT (member_id, process_id) DO NOTHING;
                    """,
                    processIds.Select(p => new object?[] { memberId, p, errorQueue, now }),
                    cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<JournalEntry>> PendingAsync(string memberId, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<JournalEntry>>(
            async connection => [.. (await connection.QueryAsync<(string ProcessId, object ErrorQueue, object Attempts)>(new CommandDefinition(
                $"""
                SELECT process_id, error_queue, attempts FROM drain_journal
                WHERE member_id = @memberId AND NOT done AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
                ORDER BY created_at, process_id{database.ByteOrder};
                """,
                new { memberId, now = database.TimeValue(now) },
                cancellationToken: cancellationToken)).ConfigureAwait(false))
                .Select(r => new JournalEntry(r.ProcessId, SqlDatabaseExtensions.ReadBool(r.ErrorQueue), Convert.ToInt32(r.Attempts, System.Globalization.CultureInfo.InvariantCulture)))],
            cancellationToken);

    public Task<IReadOnlySet<string>> KnownPendingAsync(string memberId, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlySet<string>>(
            async connection => (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT process_id FROM drain_journal WHERE member_id = @memberId AND NOT done;",
                new { memberId },
                cancellationToken: cancellationToken)).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal),
            cancellationToken);

    public Task MarkDoneAsync(string memberId, IReadOnlyCollection<string> processIds, CancellationToken cancellationToken) =>
        processIds.Count == 0
            ? Task.CompletedTask
            : database.RunAsync(
                connection => connection.ExecuteAsync(new CommandDefinition(
                    $"UPDATE drain_journal SET done = TRUE, updated_at = @now WHERE member_id = @memberId AND {database.AnyOf("process_id", "processIds")};",
                    new { memberId, processIds = processIds.ToArray(), now = database.TimeValue(time.GetUtcNow()) },
                    cancellationToken: cancellationToken)),
                cancellationToken);

    public Task PostponeAsync(string memberId, IReadOnlyCollection<string> processIds, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        processIds.Count == 0
            ? Task.CompletedTask
            : database.RunAsync(
                connection => connection.ExecuteAsync(new CommandDefinition(
                    $"""
                    UPDATE drain_journal SET attempts = attempts + 1, last_error = @reason, next_attempt_at = @next, updated_at = @now
                    WHERE member_id = @memberId AND {database.AnyOf("process_id", "processIds")};
                    """,
                    new { memberId, processIds = processIds.ToArray(), reason, next = database.TimeValue(nextAttemptAt), now = database.TimeValue(time.GetUtcNow()) },
                    cancellationToken: cancellationToken)),
                cancellationToken);
}
