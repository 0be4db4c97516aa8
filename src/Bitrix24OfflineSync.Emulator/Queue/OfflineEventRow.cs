using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Queue;

/// <summary>
/// One row of b_rest_event_offline. <see cref="ProcessId"/> is empty while the row is unreserved; the unique key is
/// (MESSAGE_ID, APP_ID, CONNECTOR_ID, PROCESS_ID).
/// </summary>
public sealed record OfflineEventRow(
    long Id,
    DateTimeOffset TimestampX,
    string EventName,
    JsonNode? EventData,
    int UserId,
    string MessageId,
    string ProcessId,
    bool Error,
    string AppId,
    string ConnectorId)
{
    public bool IsReserved => ProcessId.Length > 0;

    internal (string MessageId, string AppId, string ConnectorId, string ProcessId) Key => (MessageId, AppId, ConnectorId, ProcessId);
}
