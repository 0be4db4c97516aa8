using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Sync.Model;
using Dapper;

namespace Bitrix24OfflineSync.Sync.Journal;

/// <summary>The basic-mode inbox, in the same SQL on both providers.</summary>
internal sealed class SqlBasicInbox(ISqlDatabase database, TimeProvider time) : IBasicInbox
{
    public Task SaveAsync(string memberId, IReadOnlyList<OfflineEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }

        var now = database.TimeValue(time.GetUtcNow());
        return database.RunAsync(
            async connection =>
            {
                await using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                // A later row for the same message replaces the earlier one: its data is the newer.
                await database.ExecuteEachAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO basic_inbox (member_id, message_id, event_id, event_name, event_data, received_at) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (member_id, message_id) DO UPDATE SET
                        event_id = excluded.event_id, event_data = excluded.event_data, received_at = excluded.received_at;
                    """,
                    events.Select(e => new object?[] { memberId, e.MessageId, e.Id, e.EventName, e.Data?.ToJsonString(), now }),
                    cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<OfflineEvent>> ReadAsync(string memberId, int limit, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<OfflineEvent>>(
            async connection => [.. (await connection.QueryAsync<(string MessageId, long EventId, string EventName, string? EventData)>(new CommandDefinition(
                "SELECT message_id, event_id, event_name, event_data FROM basic_inbox WHERE member_id = @memberId ORDER BY received_at, event_id LIMIT @limit;",
                new { memberId, limit },
                cancellationToken: cancellationToken)).ConfigureAwait(false))
                .Select(r => new OfflineEvent(r.EventId, r.EventName, r.EventData is null ? null : JsonNode.Parse(r.EventData), r.MessageId, null))],
            cancellationToken);

    public Task RemoveAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) =>
        messageIds.Count == 0
            ? Task.CompletedTask
            : database.RunAsync(
                connection => connection.ExecuteAsync(new CommandDefinition(
                    $"DELETE FROM basic_inbox WHERE member_id = @memberId AND {database.AnyOf("message_id", "messageIds")};",
                    new { memberId, messageIds = messageIds.ToArray() },
                    cancellationToken: cancellationToken)),
                cancellationToken);
}
