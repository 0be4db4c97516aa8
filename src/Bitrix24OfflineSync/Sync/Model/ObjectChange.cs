using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Sync.Model;

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

/// <summary>An object that could not be resolved for a reason retrying soon will not fix (e.g. access denied).</summary>
internal sealed record ItemFailure(ObjectKey Key, IReadOnlyList<string> MessageIds, string Reason);

/// <summary>
/// Objects whose fetch method is paused for its operating time until <see cref="Until"/>: not failures, never counted
/// toward the item attempts; their rows wait for the reset.
/// </summary>
internal sealed record ItemPause(ObjectKey Key, IReadOnlyList<string> MessageIds, DateTimeOffset Until);

/// <summary>The changes of one reserved batch, the items that failed on their own, and those paused for operating time.</summary>
internal sealed record ResolvedBatch(IReadOnlyList<ObjectChange> Changes, IReadOnlyList<ItemFailure> Failures, IReadOnlyList<ItemPause> Paused)
{
    /// <summary>When the last paused object may be fetched again; null when none is paused.</summary>
    public DateTimeOffset? PausedUntil => Paused.Count == 0 ? null : Paused.Max(p => p.Until);
}
