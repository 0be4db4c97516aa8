using System.Globalization;
using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Sinks;
using Dapper;

namespace Bitrix24OfflineSync.Sync.Journal;

/// <summary>Failure counts and dead letters, in the same SQL on both providers.</summary>
internal sealed class SqlFailureLog(ISqlDatabase database, TimeProvider time) : IFailureLog
{
    public Task<IReadOnlyDictionary<string, int>> CountFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, string reason, CancellationToken cancellationToken)
    {
        if (messageIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>(StringComparer.Ordinal));
        }

        var now = database.TimeValue(time.GetUtcNow());
        return database.RunAsync<IReadOnlyDictionary<string, int>>(
            async connection =>
            {
                await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                // One statement per id: a message id listed twice is counted twice.
                await database.ExecuteEachAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO item_attempts (member_id, message_id, attempts, last_reason, updated_at) VALUES ($1, $2, 1, $3, $4)
                    ON CONFLICT (member_id, message_id) DO UPDATE SET
                        attempts = item_attempts.attempts + 1, last_reason = excluded.last_reason, updated_at = excluded.updated_at;
                    """,
                    messageIds.Select(m => new object?[] { memberId, m, reason, now }),
                    cancellationToken).ConfigureAwait(false);
                var rows = await connection.QueryAsync<(string MessageId, object Attempts)>(new CommandDefinition(
                    $"SELECT message_id, attempts FROM item_attempts WHERE member_id = @memberId AND {database.AnyOf("message_id", "messageIds")};",
                    new { memberId, messageIds = messageIds.Distinct(StringComparer.Ordinal).ToArray() },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return rows.ToDictionary(r => r.MessageId, r => Convert.ToInt32(r.Attempts, CultureInfo.InvariantCulture), StringComparer.Ordinal);
            },
            cancellationToken);
    }

    public Task ForgetFailuresAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) =>
        database.DeleteAnyOfAsync("item_attempts", memberId, "message_id", messageIds, cancellationToken);

    public Task DeadLetterAsync(string memberId, DeadLetter letter, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            """
            INSERT INTO dead_letters (member_id, message_id, event_name, entity, entity_id, reason, attempts, created_at, cause, status, answer, event_data)
            VALUES (@memberId, @MessageId, @EventName, @Entity, @EntityId, @Reason, @Attempts, @CreatedAt, @Cause, @Status, @Answer, @EventData)
            ON CONFLICT (member_id, message_id) DO UPDATE SET
                reason = CASE WHEN dead_letters.cause = excluded.cause THEN dead_letters.reason ELSE excluded.reason END,
                cause = excluded.cause, status = excluded.status, answer = excluded.answer,
                event_data = COALESCE(excluded.event_data, dead_letters.event_data), replay_requested_at = NULL;
            """,
            new
            {
                memberId, letter.MessageId, letter.EventName, letter.Entity, letter.EntityId, letter.Reason, letter.Attempts,
                CreatedAt = database.TimeValue(letter.CreatedAt), Cause = letter.Cause.Name(), letter.Status,
                // PostgreSQL's text holds no NUL, and a receiver's answer may: such a character is kept as U+FFFD.
                Answer = letter.Answer?.Replace('\0', '\uFFFD'), letter.EventData,
            },
            cancellationToken);

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string memberId, CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<Row>(
            $"""
            SELECT message_id, event_name, entity, entity_id, reason, attempts, created_at, cause, status, answer, event_data, replay_requested_at
            FROM dead_letters WHERE member_id = @memberId ORDER BY created_at, message_id{database.ByteOrder};
            """,
            new { memberId },
            cancellationToken).ConfigureAwait(false))
            .Select(r => r.ToDeadLetter(database))];

    public async Task<IReadOnlyDictionary<string, int>> DeadLetterCountsAsync(CancellationToken cancellationToken) =>
        (await database.QueryAsync<(string MemberId, object Count)>("SELECT member_id, COUNT(*) FROM dead_letters GROUP BY member_id;", null, cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.MemberId, r => Convert.ToInt32(r.Count, CultureInfo.InvariantCulture), StringComparer.Ordinal);

    public async Task<IReadOnlyList<DeadLetter>> EndDeadLettersAsync(string memberId, IReadOnlyCollection<ObjectKey> taken, CancellationToken cancellationToken)
    {
        if (taken.Count == 0)
        {
            return [];
        }

        // A portal has few dead letters, if any: they are read whole and matched here, not looked up key by key.
        var keys = taken as IReadOnlySet<ObjectKey> ?? taken.ToHashSet();
        var ended = (await DeadLettersAsync(memberId, cancellationToken).ConfigureAwait(false)).Where(l => keys.Contains(new ObjectKey(l.Entity, l.EntityId))).ToList();
        await database.DeleteAnyOfAsync("dead_letters", memberId, "message_id", [.. ended.Select(l => l.MessageId)], cancellationToken).ConfigureAwait(false);
        return ended;
    }

    public Task<int> RequestReplayAsync(string memberId, ObjectKey? only, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            $"UPDATE dead_letters SET replay_requested_at = @now WHERE member_id = @memberId{(only is null ? "" : " AND entity = @entity AND entity_id = @entityId")};",
            new { memberId, now = database.TimeValue(time.GetUtcNow()), entity = only?.Entity, entityId = only?.Id },
            cancellationToken);

    public async Task<bool> ReplayRequestedAsync(string memberId, CancellationToken cancellationToken) =>
        await database.ScalarAsync(
            "SELECT 1 FROM dead_letters WHERE member_id = @memberId AND replay_requested_at IS NOT NULL LIMIT 1;",
            new { memberId },
            cancellationToken).ConfigureAwait(false) is not null and not DBNull;

    public Task CancelReplayAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) =>
        messageIds.Count == 0
            ? Task.CompletedTask
            : database.ExecuteAsync(
                $"UPDATE dead_letters SET replay_requested_at = NULL WHERE member_id = @memberId AND {database.AnyOf("message_id", "messageIds")};",
                new { memberId, messageIds = messageIds.ToArray() },
                cancellationToken);

    // Rows read by property: times and numbers come back as each provider keeps them, and ISqlDatabase reads them.
    private sealed class Row
    {
        public string message_id { get; set; } = "";

        public string event_name { get; set; } = "";

        public string entity { get; set; } = "";

        public string entity_id { get; set; } = "";

        public string reason { get; set; } = "";

        public object attempts { get; set; } = 0;

        public object created_at { get; set; } = "";

        public string cause { get; set; } = "";

        public string? status { get; set; }

        public string? answer { get; set; }

        public string? event_data { get; set; }

        public object? replay_requested_at { get; set; }

        public DeadLetter ToDeadLetter(ISqlDatabase database) => new(
            message_id,
            event_name,
            entity,
            entity_id,
            reason,
            Convert.ToInt32(attempts, CultureInfo.InvariantCulture),
            database.ReadTime(created_at)!.Value,
            DeadLetterCauses.Parse(cause),
            status,
            answer,
            event_data,
            replay_requested_at is not null and not DBNull);
    }
}
