using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Sync.Fetching;

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
}
