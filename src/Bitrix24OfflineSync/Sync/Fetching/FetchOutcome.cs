using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Sync.Fetching;

/// <summary>What a fetch found for one object: its state, that it is gone (no state, no failure), or why it failed.</summary>
internal sealed record FetchOutcome(JsonObject? State, DateTimeOffset FetchedAt, string? Failure)
{
    public static FetchOutcome Found(JsonObject state, DateTimeOffset fetchedAt) => new(state, fetchedAt, null);

    public static FetchOutcome Gone(DateTimeOffset fetchedAt) => new(null, fetchedAt, null);

    public static FetchOutcome Failed(string reason, DateTimeOffset fetchedAt) => new(null, fetchedAt, reason);
}
