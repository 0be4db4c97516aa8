using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Rest;

/// <summary>What a method answers: <c>result</c>, and for lists <c>total</c> and <c>next</c> (lifted to the top level).</summary>
public sealed record MethodResult(JsonNode? Result, int? Total = null, int? Next = null)
{
    public static implicit operator MethodResult(JsonNode? result) => new(result);

    public static MethodResult Page(JsonNode items, int total, int start, int pageSize) =>
        new(items, total, start + pageSize < total ? start + pageSize : null);
}
