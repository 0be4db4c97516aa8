using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Writes;

/// <summary>What a write does to its object.</summary>
internal static class WriteActions
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";

    public static readonly string[] All = [Create, Update, Delete];
}

/// <summary>
/// Where a write is: <c>queued</c> (accepted, durable), <c>applying</c> (sent at least once; for a create the outcome
/// may be unknown, so it is looked up by its origin before it is sent again), and the final ones.
/// </summary>
internal static class WriteStatus
{
    public const string Queued = "queued";
    public const string Applying = "applying";
    public const string Applied = "applied";
    public const string Conflict = "conflict";
    public const string Failed = "failed";

    public static readonly string[] All = [Queued, Applying, Applied, Conflict, Failed];

    public static bool IsFinal(string status) => status is Applied or Conflict or Failed;
}

/// <summary>One write as the caller sent it, checked: the key, the entity and action, the id (update, delete), the fields (create, update).</summary>
internal sealed record WriteRequest(string Key, string Entity, string Action, string? Id, JsonObject? Fields, DateTimeOffset? IfUnmodifiedSince);

/// <summary>A stored write: the request, its order of acceptance, where it is and how it ended.</summary>
internal sealed record StoredWrite(
    long Seq,
    string MemberId,
    WriteRequest Request,
    string Status,
    bool Sent,
    int Attempts,
    string? ErrorCode,
    string? ErrorMessage,
    DateTimeOffset AcceptedAt,
    DateTimeOffset? AppliedAt)
{
    public string Key => Request.Key;

    /// <summary>The object's id: the caller's for update and delete, the new object's once a create is applied.</summary>
    public string? ObjectId => Request.Id;
}

/// <summary>How a write ended (or why it waits): the status, the object's id, and the error.</summary>
internal sealed record WriteOutcome(string Status, string? ObjectId = null, string? ErrorCode = null, string? ErrorMessage = null);
