using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Sync.Model;

namespace Bitrix24OfflineSync.Sync.Journal;

/// <summary>The basic-mode inbox, in the same SQL on both providers.</summary>
internal sealed class SqlBasicInbox(ISqlDatabase database, TimeProvider time) : IBasicInbox
{
    public Task SaveAsync(string memberId, IReadOnlyList<OfflineEvent> events, CancellationToken cancellationToken)
    {
        var now = database.TimeValue(time.GetUtcNow());

        // A later row for the same message replaces the earlier one: its data is the newer.
        return database.WriteEachAsync(
            """
            INSERT INTO basic_inbox (member_id, message_id, event_id, event_name, event_data, received_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (member_id, message_id) DO UPDATE SET
                event_id = excluded.event_id, event_data = excluded.event_data, received_at = excluded.received_at;
            """,
            [.. events.Select(e => new object?[] { memberId, e.MessageId, e.Id, e.EventName, e.Data?.ToJsonString(), now })],
            cancellationToken);
    }

    public async Task<IReadOnlyList<OfflineEvent>> ReadAsync(string memberId, int limit, CancellationToken cancellationToken) =>
        [.. (await database.QueryAsync<(string MessageId, long EventId, string EventName, string? EventData)>(
            "SELECT message_id, event_id, event_name, event_data FROM basic_inbox WHERE member_id = @memberId ORDER BY received_at, event_id LIMIT @limit;",
            new { memberId, limit },
            cancellationToken).ConfigureAwait(false))
            .Select(r => new OfflineEvent(r.EventId, r.EventName, r.EventData is null ? null : JsonNode.Parse(r.EventData), r.MessageId, null))];

    public Task RemoveAsync(string memberId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) =>
        database.DeleteAnyOfAsync("basic_inbox", memberId, "message_id", messageIds, cancellationToken);
}
