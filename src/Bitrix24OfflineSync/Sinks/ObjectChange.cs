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

/// <summary>Where a change came from.</summary>
internal enum ChangeOrigin
{
    /// <summary>The offline queue said the object changed.</summary>
    Event,

    /// <summary>A full load read the object (at install, or asked for with <c>portals resync</c>).</summary>
    Load,

    /// <summary>A drift check found the sink out of step with the portal and put it right.</summary>
    Repair,

    /// <summary>The service wrote the object back (the write API) and read it back after the write.</summary>
    Write,
}

internal static class ChangeOriginNames
{
    /// <summary>The name a sink writes: <c>event</c>, <c>load</c> or <c>repair</c>.</summary>
    public static string Name(this ChangeOrigin origin) => origin switch
    {
        ChangeOrigin.Event => "event",
        ChangeOrigin.Load => "load",
        ChangeOrigin.Repair => "repair",
        ChangeOrigin.Write => "write",
        _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "Unknown change origin."),
    };
}

/// <summary>
/// What the sink receives for one object: its current state or a tombstone, when the source last modified it and
/// when we fetched it (the mirror never goes backwards on these), the events that led here and their queue rows, and
/// where the change came from; for a change read back after a write of the write API, the write's key.
/// </summary>
internal sealed record ObjectChange(
    ObjectKey Key,
    ChangeAction Action,
    JsonNode? State,
    DateTimeOffset? ModifiedAt,
    DateTimeOffset FetchedAt,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> MessageIds,
    ChangeOrigin Origin = ChangeOrigin.Event,
    string? WriteKey = null);
