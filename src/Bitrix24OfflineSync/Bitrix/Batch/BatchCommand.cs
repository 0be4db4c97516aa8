using System.Net;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Bitrix.Batch;

/// <summary>One command of a batch; parameter values may hold <c>$result[key]...</c> references to earlier commands of the same request.</summary>
internal sealed record BatchCommand(string Key, string Method, JsonObject? Parameters = null);

/// <summary>
/// One command's outcome: its result (with list navigation) or its own error. A command paused for its method's
/// operating time (not sent, or refused with <c>OPERATION_TIME_LIMIT</c>) carries when it may go again.
/// </summary>
internal sealed record BatchCommandResult(string Key, JsonNode? Result, BitrixError? Error, int? Total, int? Next, DateTimeOffset? PausedUntil = null)
{
    public bool Succeeded => Error is null;

    public bool IsPaused => PausedUntil is not null;

    public static BatchCommandResult Paused(string key, DateTimeOffset until, bool sent) =>
        new(key, null, new BitrixError("OPERATION_TIME_LIMIT", sent ? "Method is blocked due to operation time limit." : "not sent: the method is held back for its operating time", (HttpStatusCode)429), null, null, until);
}
