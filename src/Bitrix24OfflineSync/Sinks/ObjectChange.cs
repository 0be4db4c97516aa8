using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Sinks;

/// <summary>Which object a change is about: an entity name such as <c>crm.deal</c> or <c>task</c>, and its id.</summary>
internal sealed record ObjectKey(string Entity, string Id)
{
    public override string ToString() => $"{Entity}:{Id}";
}

internal enum ChangeAction
{
    /// <summary>The object's current state, fetched after the events.</summary>
    Upsert,

    /// <summary>The object is gone (a delete event, or a fetch that answered Not found).</summary>
    Delete,

    /// <summary>An event with no mapping, delivered as it came (name and data, no state).</summary>
    Event,
}

/// <summary>
/// What the sink receives for one object: its current state or a tombstone, when the source last modified it and
/// when we fetched it (the mirror never goes backwards on these), the events that led here and their queue rows.
/// </summary>
internal sealed record ObjectChange(
    ObjectKey Key,
    ChangeAction Action,
    JsonNode? State,
    DateTimeOffset? ModifiedAt,
    DateTimeOffset FetchedAt,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> MessageIds);
