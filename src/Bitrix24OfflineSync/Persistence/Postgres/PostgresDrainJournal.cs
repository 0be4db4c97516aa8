using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Model;
using Dapper;

namespace Bitrix24OfflineSync.Persistence.Postgres;

/// <summary>
/// The drain journal on the shared database. Lists travel as arrays (<c>unnest</c>, <c>= ANY</c>), so a batch of
/// 50 reservations or 2,500 rows is one statement, not one round trip each.
/// </summary>
internal sealed class PostgresDrainJournal(PostgresConnections connections, TimeProvider time) : IDrainJournal
{
    public async Task RecordAsync(string memberId, IReadOnlyCollection<string> processIds, bool errorQueue, CancellationToken cancellationToken)
    {
        if (processIds.Count == 0)
        {
            return;
        }

        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO drain_journal (member_id, process_id, error_queue, created_at, updated_at)
            SELECT @memberId, p, @errorQueue, @now, @now FROM unnest(@processIds) AS p
            ON CONFLICT (member_id, process_id) DO NOTHING;
            """,
            new { memberId, processIds = processIds.ToArray(), errorQueue, now = Now() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<JournalEntry>> PendingAsync(string memberId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string ProcessId, bool ErrorQueue, int Attempts)>(new CommandDefinition(
            """
            SELECT process_id, error_queue, attempts FROM drain_journal
            WHERE member_id = @memberId AND NOT done AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
            ORDER BY created_at, process_id;
            """,
            new { memberId, now = PostgresTime.Write(now) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new JournalEntry(r.ProcessId, r.ErrorQueue, r.Attempts))];
    }

    public async Task<IReadOnlySet<string>> KnownPendingAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT process_id FROM drain_journal WHERE member_id = @memberId AND NOT done;",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    public async Task MarkDoneAsync(string memberId, IReadOnlyCollection<string> processIds, CancellationToken cancellationToken)
    {
        if (processIds.Count == 0)
        {
            return;
        }

        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE drain_journal SET done = true, updated_at = @now WHERE member_id = @memberId AND process_id = ANY(@processIds);",
            new { memberId, processIds = processIds.ToArray(), now = Now() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task PostponeAsync(string memberId, IReadOnlyCollection<string> processIds, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        if (processIds.Count == 0)
        {
            return;
        }

        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE drain_journal SET attempts = attempts + 1, last_error = @reason, next_attempt_at = @next, updated_at = @now
            WHERE member_id = @memberId AND process_id = ANY(@processIds);
            """,
            new { memberId, processIds = processIds.ToArray(), reason, next = PostgresTime.Write(nextAttemptAt), now = Now() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<string, int>> CountFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, string reason, CancellationToken cancellationToken)
    {
        if (messageIds.Count == 0)
        {
            return new Dictionary<string, int>(StringComparer.Ordinal);
        }

        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        // One statement may not update a row twice, so a message id listed twice is grouped and counted twice.
        var rows = await connection.QueryAsync<(string MessageId, int Attempts)>(new CommandDefinition(
            """
            INSERT INTO item_attempts (member_id, message_id, attempts, last_reason, updated_at)
            SELECT @memberId, m, COUNT(*), @reason, @now FROM unnest(@messageIds) AS m GROUP BY m
            ON CONFLICT (member_id, message_id) DO UPDATE SET
                attempts = item_attempts.attempts + excluded.attempts, last_reason = excluded.last_reason, updated_at = excluded.updated_at
            RETURNING message_id, attempts;
            """,
            new { memberId, messageIds = messageIds.ToArray(), reason, now = Now() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.MessageId, r => r.Attempts, StringComparer.Ordinal);
    }

    public async Task ForgetFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        if (messageIds.Count == 0)
        {
            return;
        }

        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM item_attempts WHERE member_id = @memberId AND message_id = ANY(@messageIds);",
            new { memberId, messageIds = messageIds.ToArray() },
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
            new { memberId, letter.MessageId, letter.EventName, letter.Entity, letter.EntityId, letter.Reason, letter.Attempts, CreatedAt = PostgresTime.Write(letter.CreatedAt) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string memberId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string MessageId, string EventName, string Entity, string EntityId, string Reason, int Attempts, DateTime CreatedAt)>(new CommandDefinition(
            "SELECT message_id, event_name, entity, entity_id, reason, attempts, created_at FROM dead_letters WHERE member_id = @memberId ORDER BY created_at, message_id;",
            new { memberId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new DeadLetter(r.MessageId, r.EventName, r.Entity, r.EntityId, r.Reason, r.Attempts, PostgresTime.Read(r.CreatedAt)))];
    }

    public async Task SaveInboxAsync(string memberId, IReadOnlyList<OfflineEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        // A later row for the same message replaces the earlier one: its data is the newer. DISTINCT ON keeps the
        // last of a message's rows in the list, since one statement may not write a row twice.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO basic_inbox (member_id, message_id, event_id, event_name, event_data, received_at)
            SELECT DISTINCT ON (e.message_id) @memberId, e.message_id, e.event_id, e.event_name, e.event_data, @now
            FROM unnest(@messageIds, @eventIds, @eventNames, @eventData) WITH ORDINALITY AS e(message_id, event_id, event_name, event_data, n)
            ORDER BY e.message_id, e.n DESC
            ON CONFLICT (member_id, message_id) DO UPDATE SET event_id = excluded.event_id, event_data = excluded.event_data, received_at = excluded.received_at;
            """,
            new
            {
                memberId,
                messageIds = events.Select(e => e.MessageId).ToArray(),
                eventIds = events.Select(e => e.Id).ToArray(),
                eventNames = events.Select(e => e.EventName).ToArray(),
                eventData = events.Select(e => e.Data?.ToJsonString()).ToArray(),
                now = Now(),
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
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
            "DELETE FROM basic_inbox WHERE member_id = @memberId AND message_id = ANY(@messageIds);",
            new { memberId, messageIds = messageIds.ToArray() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private DateTimeOffset Now() => PostgresTime.Write(time.GetUtcNow());
}
