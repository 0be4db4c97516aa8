namespace Bitrix24OfflineSync.Sync.Passes;

/// <summary>What a keyset pass over one entity is for.</summary>
internal enum PassKind
{
    /// <summary>Every object is written to the sink (at install, or asked for with <c>portals resync</c>).</summary>
    Load,

    /// <summary>Ids and modification times are compared with the sink, and what is out of step is repaired.</summary>
    Check,

    /// <summary>The entity is gone from the portal (a deleted smart-process type): what the sink holds of it is tombstoned.</summary>
    Retire,
}

internal static class PassKindNames
{
    /// <summary>The name stored and shown in metrics: <c>load</c>, <c>check</c> or <c>retire</c>.</summary>
    public static string Name(this PassKind kind) => kind switch
    {
        PassKind.Load => "load",
        PassKind.Check => "check",
        _ => "retire",
    };
}

/// <summary>
/// One keyset pass over one entity of one portal, as far as it has come: every object with an id up to
/// <see cref="Cursor"/> has been read and its result committed; the pass ends at <see cref="MaxId"/>, the newest id
/// when it began (objects made later reach the queue as events). Durable: a restart or another replica resumes it.
/// </summary>
internal sealed record EntityPass(
    string MemberId,
    string Entity,
    PassKind Kind,
    long Cursor,
    long? MaxId,
    long ObjectsRead,
    long Upserted,
    long Deleted,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>A page holds 50 objects at most; a range a little sparser than that seldom fills it.</summary>
    private const double ObjectsPerRange = 40;

    public bool IsDone => FinishedAt is not null;

    /// <summary>
    /// How many ids one range command covers: 50 while the ids read so far are dense (a range can then never hold more
    /// than a page), wider where they are sparse, from the density the pass has seen.
    /// </summary>
    public long Width => Cursor <= 0 || ObjectsRead <= 0
        ? EntityPageSize
        : Math.Clamp((long)(ObjectsPerRange * Cursor / ObjectsRead), EntityPageSize, 1_000_000_000);

    private const long EntityPageSize = Resolution.EntityFetch.PageSize;

    public static EntityPass Start(string memberId, string entity, PassKind kind, DateTimeOffset now) =>
        new(memberId, entity, kind, 0, null, 0, 0, 0, now, null);
}

/// <summary>What a discovery answered: the pass moved on (or not, when the portal could not say), and when a method it needs is paused until.</summary>
internal sealed record Discovered(EntityPass Pass, DateTimeOffset? PausedUntil = null);
