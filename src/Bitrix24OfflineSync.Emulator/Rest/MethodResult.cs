using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Rest;

/// <summary>
/// What a method answers: <c>result</c>, and for lists <c>total</c> and <c>next</c> (lifted to the top level).
/// <paramref name="Shaped"/> says the result is in PHP's shape already (what <see cref="PhpJson.Normalize"/> would
/// give) and belongs to this answer alone, so it is sent as it is rather than as a normalized copy: a batch of 50 full
/// list pages would otherwise copy 2,500 objects twice more.
/// </summary>
public sealed record MethodResult(JsonNode? Result, int? Total = null, int? Next = null, bool Shaped = false)
{
    public static implicit operator MethodResult(JsonNode? result) => new(result);

    public static MethodResult Page(JsonNode items, int total, int start, int pageSize) =>
        new(items, total, start + pageSize < total ? start + pageSize : null);
}
