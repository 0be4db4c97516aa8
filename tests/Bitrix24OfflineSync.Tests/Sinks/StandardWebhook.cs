using System.Security.Cryptography;
using System.Text;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Tests.Sinks;

/// <summary>A request the HTTP sink sent, read as a Standard Webhooks message: its three headers and its signature.</summary>
internal static class StandardWebhook
{
    extension(ReceivedRequest delivery)
    {
        public string WebhookId => delivery.Header("webhook-id");

        public string WebhookTimestamp => delivery.Header("webhook-timestamp");

        public string WebhookSignature => delivery.Header("webhook-signature");
    }

    /// <summary>True when the signature header is <c>v1,</c> + base64 HMAC-SHA256 of <c>"{id}.{timestamp}.{body}"</c> under the secret's key.</summary>
    public static bool SignatureIsValid(ReceivedRequest delivery, string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{delivery.WebhookId}.{delivery.WebhookTimestamp}.{delivery.Body}")));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(delivery.WebhookSignature));
    }
}
