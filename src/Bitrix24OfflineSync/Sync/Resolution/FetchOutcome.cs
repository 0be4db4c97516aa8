using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sinks;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// What a fetch found for one object: its state, that it is gone (no state, no failure), why it failed, or that its
/// method is paused for operating time until <see cref="PausedUntil"/> (not a failure of the object).
/// </summary>
internal sealed record FetchOutcome(JsonObject? State, DateTimeOffset FetchedAt, string? Failure, DateTimeOffset? PausedUntil = null)
{
    public static FetchOutcome Found(JsonObject state, DateTimeOffset fetchedAt) => new(state, fetchedAt, null);

    public static FetchOutcome Gone(DateTimeOffset fetchedAt) => new(null, fetchedAt, null);

    public static FetchOutcome Failed(string reason, DateTimeOffset fetchedAt) => new(null, fetchedAt, reason);

    public static FetchOutcome Paused(DateTimeOffset until, DateTimeOffset fetchedAt) => new(null, fetchedAt, null, until);

    /// <summary>
    /// The change a fetch that answered makes of <paramref name="key"/>: its state, modified when the state's
    /// <see cref="EntityFetch.ModifiedField"/> says, or a tombstone when the portal has it no more. Whoever asked
    /// deals with a failure or a pause first: neither is a change.
    /// </summary>
    public ObjectChange Change(ObjectKey key, EntityFetch fetch, ChangeOrigin origin, IReadOnlyList<string> events, IReadOnlyList<string> messageIds) =>
        State is { } state
            ? new ObjectChange(key, ChangeAction.Upsert, state, FetchAnswers.Time(state, fetch.ModifiedField), FetchedAt, events, messageIds, origin)
            : new ObjectChange(key, ChangeAction.Delete, null, null, FetchedAt, events, messageIds, origin);
}
