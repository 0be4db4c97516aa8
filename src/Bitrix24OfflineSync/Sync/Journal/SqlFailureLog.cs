using System.Globalization;
using Bitrix24OfflineSync.Persistence;
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
            INSERT INTO dead_letters (member_id, message_id, event_name, entity, entity_id, reason, attempts, created_at)
            VALUES (@memberId, @MessageId, @EventName, @Entity, @EntityId, @Reason, @Attempts, @CreatedAt)
            ON CONFLICT (member_id, message_id) DO NOTHING;
            """,
            new { memberId, letter.MessageId, letter.EventName, letter.Entity, letter.EntityId, letter.Reason, letter.Attempts, CreatedAt = database.TimeValue(letter.CreatedAt) },
            cancellationToken);

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string memberId, CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<(string MessageId, string EventName, string Entity, string EntityId, string Reason, object Attempts, object CreatedAt)>(
            $"SELECT message_id, event_name, entity, entity_id, reason, attempts, created_at FROM dead_letters WHERE member_id = @memberId ORDER BY created_at, message_id{database.ByteOrder};",
            new { memberId },
            cancellationToken).ConfigureAwait(false))
            .Select(r => new DeadLetter(r.MessageId, r.EventName, r.Entity, r.EntityId, r.Reason, Convert.ToInt32(r.Attempts, CultureInfo.InvariantCulture), database.ReadTime(r.CreatedAt)!.Value))];

    public async Task<IReadOnlyDictionary<string, int>> DeadLetterCountsAsync(CancellationToken cancellationToken) =>
        (await database.QueryAsync<(string MemberId, object Count)>("SELECT member_id, COUNT(*) FROM dead_letters GROUP BY member_id;", null, cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.MemberId, r => Convert.ToInt32(r.Count, CultureInfo.InvariantCulture), StringComparer.Ordinal);
}
