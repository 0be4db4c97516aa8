using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Model;
using Dapper;

namespace Bitrix24OfflineSync.Persistence.Sqlite;

internal sealed class SqliteDrainJournal(SqliteConnectionFactory connections, TimeProvider time) : IDrainJournal
{
    public async Task RecordAsync(string memberId, IReadOnlyCollection<string> processIds, bool errorQueue, CancellationToken cancellationToken)
    {
        var now = SqliteTime.Format(time.GetUtcNow());
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var processId in processIds)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO drain_journal (member_id, process_id, error_queue, created_at, updated_at)
                VALUES (@memberId, @processId, @errorQueue, @now, @now)
                ON CONFLICT (member_id, process_id) DO NOTHING;
                """,
                new { memberId, processId, errorQueue, now },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<JournalEntry>> PendingAsync(string memberId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string ProcessId, long ErrorQueue, long Attempts)>(new CommandDefinition(
            """
            SELECT process_id, error_queue, attempts FROM drain_journal
            WHERE member_id = @memberId AND done = 0 AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
            ORDER BY created_at;
            """,
            new { memberId, now = SqliteTime.Format(now) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new JournalEntry(r.ProcessId, r.ErrorQueue != 0, (int)r.Attempts))];
    }

    public async Task<IReadOnlySet<string>> KnownPendingAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT process_id FROM drain_journal WHERE member_id = @memberId AND done = 0;",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    public Task MarkDoneAsync(string memberId, IReadOnlyCollection<string> processIds, CancellationToken cancellationToken) =>
        UpdateEachAsync(
            memberId,
            processIds,
            "UPDATE drain_journal SET done = 1, updated_at = @now WHERE member_id = @memberId AND process_id = @processId;",
            new { now = SqliteTime.Format(time.GetUtcNow()) },
            cancellationToken);

    public Task PostponeAsync(string memberId, IReadOnlyCollection<string> processIds, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        UpdateEachAsync(
            memberId,
            processIds,
            """
            UPDATE drain_journal SET attempts = attempts + 1, last_error = @reason, next_attempt_at = @next, updated_at = @now
            WHERE member_id = @memberId AND process_id = @processId;
            """,
            new { reason, next = SqliteTime.Format(nextAttemptAt), now = SqliteTime.Format(time.GetUtcNow()) },
            cancellationToken);

    public async Task<IReadOnlyDictionary<string, int>> CountFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, string reason, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var now = SqliteTime.Format(time.GetUtcNow());
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var messageId in messageIds)
        {
            counts[messageId] = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                """
                INSERT INTO item_attempts (member_id, message_id, attempts, last_reason, updated_at)
                VALUES (@memberId, @messageId, 1, @reason, @now)
                ON CONFLICT (member_id, message_id) DO UPDATE SET attempts = attempts + 1, last_reason = @reason, updated_at = @now
                RETURNING attempts;
                """,
                new { memberId, messageId, reason, now },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return counts;
    }

    public async Task ForgetFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        if (messageIds.Count == 0)
        {
            return;
        }

        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM item_attempts WHERE member_id = @memberId AND message_id IN @messageIds;",
            new { memberId, messageIds },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task DeadLetterAsync(string memberId, DeadLetter letter, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO dead_letters (member_id, message_id, event_name, entity, entity_id, reason, attempts, created_at)
            VALUES (@memberId, @MessageId, @EventName, @Entity, @EntityId, @Reason, @Attempts, @CreatedAt)
            ON CONFLICT (member_id, message_id) DO NOTHING;
            """,
            new { memberId, letter.MessageId, letter.EventName, letter.Entity, letter.EntityId, letter.Reason, letter.Attempts, CreatedAt = SqliteTime.Format(letter.CreatedAt) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string MessageId, string EventName, string Entity, string EntityId, string Reason, long Attempts, string CreatedAt)>(new CommandDefinition(
            "SELECT message_id, event_name, entity, entity_id, reason, attempts, created_at FROM dead_letters WHERE member_id = @memberId ORDER BY created_at;",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new DeadLetter(r.MessageId, r.EventName, r.Entity, r.EntityId, r.Reason, (int)r.Attempts, SqliteTime.Parse(r.CreatedAt)))];
    }

    public async Task SaveInboxAsync(string memberId, IReadOnlyList<OfflineEvent> events, CancellationToken cancellationToken)
    {
        var now = SqliteTime.Format(time.GetUtcNow());
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var e in events)
        {
            // A later row for the same message replaces the earlier one: its data is the newer.
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO basic_inbox (member_id, message_id, event_id, event_name, event_data, received_at)
                VALUES (@memberId, @MessageId, @Id, @EventName, @Data, @now)
                ON CONFLICT (member_id, message_id) DO UPDATE SET event_id = excluded.event_id, event_data = excluded.event_data, received_at = excluded.received_at;
                """,
                new { memberId, e.MessageId, e.Id, e.EventName, Data = e.Data?.ToJsonString(), now },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OfflineEvent>> InboxAsync(string memberId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string MessageId, long EventId, string EventName, string? EventData)>(new CommandDefinition(
            "SELECT message_id, event_id, event_name, event_data FROM basic_inbox WHERE member_id = @memberId ORDER BY received_at, event_id LIMIT @limit;",
            new { memberId, limit },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new OfflineEvent(r.EventId, r.EventName, r.EventData is null ? null : JsonNode.Parse(r.EventData), r.MessageId, null))];
    }

    public async Task RemoveFromInboxAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        if (messageIds.Count == 0)
        {
            return;
        }

        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM basic_inbox WHERE member_id = @memberId AND message_id IN @messageIds;",
            new { memberId, messageIds },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private async Task UpdateEachAsync(string memberId, IReadOnlyCollection<string> processIds, string sql, object values, CancellationToken cancellationToken)
    {
        if (processIds.Count == 0)
        {
            return;
        }

        var parameters = new DynamicParameters(values);
        parameters.Add("memberId", memberId);
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var processId in processIds)
        {
            parameters.Add("processId", processId);
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
