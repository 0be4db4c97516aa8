using System.Security.Cryptography;
using System.Text;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>Signs a delivery the Standard Webhooks way: <c>v1,</c> + base64 HMAC-SHA256 of <c>"{id}.{timestamp}.{body}"</c>.</summary>
internal sealed class WebhookSigner(byte[] key)
{
    public string Sign(string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{webhookId}.{timestamp}.")));
        hmac.AppendData(body);
        return "v1," + Convert.ToBase64String(hmac.GetHashAndReset());
    }
}
