using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>A successful answer: <c>result</c>, the list navigation (<c>total</c>, <c>next</c>) and the <c>time</c> block.</summary>
internal sealed record BitrixResponse(JsonNode? Result, int? Total, int? Next, JsonObject? Time);
