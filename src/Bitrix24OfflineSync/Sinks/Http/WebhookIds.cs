using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>
/// <c>webhook-id</c> values. Receivers dedupe on them, so the id of a message is derived from what makes it the same
/// delivery (portal, reserved batch, the objects it carries), never from the clock or a counter: a retry after a
/// restart carries the same id, and a part of a batch (a chunk, or a half split off to find a refused object) an id
/// of its own.
/// </summary>
internal static class WebhookIds
{
    private const string Prefix = "msg_";

    public static string ForChanges(string memberId, string batchId, IEnumerable<ObjectChange> changes)
    {
        // Lengths make the input unambiguous whatever characters the ids contain.
        var input = new StringBuilder(FormattableString.Invariant($"bitrix24.changes|{memberId.Length}:{memberId}|{batchId.Length}:{batchId}"));
        foreach (var key in changes.Select(c => c.Key))
        {
            input.Append(FormattableString.Invariant($"|{key.Entity.Length}:{key.Entity}|{key.Id.Length}:{key.Id}"));
        }

        return Prefix + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(input.ToString())));
    }

    /// <summary>A fresh id for a message that is not a replay of anything (a portal forget may be requested again later, and must then arrive again).</summary>
    public static string Fresh() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
}
