using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>
/// <c>webhook-id</c> values. Receivers dedupe on them, so the id of a chunk is derived from what makes it the same
/// delivery (portal, reserved batch, its place among the chunks), never from the clock or a counter: a retry after
/// a restart carries the same id.
/// </summary>
internal static class WebhookIds
{
    private const string Prefix = "msg_";

    public static string ForChunk(string memberId, string batchId, int index, int count)
    {
        // Lengths make the input unambiguous whatever characters the ids contain.
        var input = FormattableString.Invariant($"bitrix24.changes|{memberId.Length}:{memberId}|{batchId.Length}:{batchId}|{index}/{count}");
        return Prefix + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(input)));
    }

    /// <summary>A fresh id for a message that is not a replay of anything (a portal forget may be requested again later, and must then arrive again).</summary>
    public static string Fresh() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
}
