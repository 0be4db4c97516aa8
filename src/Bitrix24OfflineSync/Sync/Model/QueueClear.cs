namespace Bitrix24OfflineSync.Sync.Model;

/// <summary>
/// What one <c>event.offline.clear</c> covers: a whole reservation, or only some of its rows (the others are kept in the
/// reservation for a later attempt). A clear of rows never goes out with an empty list: to the server that means all.
/// </summary>
internal sealed record QueueClear
{
    private QueueClear(string processId, IReadOnlyList<string> messageIds, bool whole)
    {
        ProcessId = processId;
        MessageIds = messageIds;
        Whole = whole;
    }

    public string ProcessId { get; }

    /// <summary>The rows to clear; empty when <see cref="Whole"/>.</summary>
    public IReadOnlyList<string> MessageIds { get; }

    /// <summary>The whole reservation is cleared: nothing of it is kept.</summary>
    public bool Whole { get; }

    /// <summary>Nothing to send: only some rows were to be cleared, and there are none.</summary>
    public bool IsEmpty => !Whole && MessageIds.Count == 0;

    public static QueueClear All(string processId) => new(processId, [], whole: true);

    public static QueueClear Rows(string processId, IReadOnlyList<string> messageIds) => new(processId, messageIds, whole: false);
}
