using Bitrix24OfflineSync.Sinks;

namespace Bitrix24OfflineSync.Sync.Model;

/// <summary>
/// An object that could not be resolved for a reason retrying soon will not fix (e.g. access denied), or that the sink
/// refused (<see cref="Refusal"/>: its status and answer). <see cref="Reason"/> is logged, so it never holds the answer.
/// </summary>
internal sealed record ItemFailure(ObjectKey Key, IReadOnlyList<string> MessageIds, string Reason, SinkRefusal? Refusal = null);

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

    /// <summary>The objects whose states were fetched, per entity, with how many one command reads: what sizes the next reservation.</summary>
    public IReadOnlyList<FetchShare> Fetched { get; init; } = [];
}

/// <summary>Objects of one entity fetched in a round, and how many of them one list (or get) command reads.</summary>
internal sealed record FetchShare(int Objects, int PerCommand);
