using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Bitrix.Batch;

/// <summary>One command of a batch; parameter values may hold <c>$result[key]...</c> references to earlier commands of the same request.</summary>
internal sealed record BatchCommand(string Key, string Method, JsonObject? Parameters = null);

/// <summary>One command's outcome: its result (with list navigation) or its own error.</summary>
internal sealed record BatchCommandResult(string Key, JsonNode? Result, BitrixError? Error, int? Total, int? Next)
{
    public bool Succeeded => Error is null;
}
