namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>The Standard Webhooks secret form, <c>whsec_&lt;base64 key&gt;</c>: the HMAC key is the decoded bytes.</summary>
internal static class WebhookSecret
{
    public const string Prefix = "whsec_";

    /// <summary>Shorter keys are refused: Standard Webhooks asks for 24 to 64 random bytes.</summary>
    public const int MinKeyBytes = 24;

    /// <summary>The key bytes, or null when the secret is not in the form (the reason never quotes the secret).</summary>
    public static byte[]? TryDecode(string? secret, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(secret))
        {
            problem = "is required";
            return null;
        }

        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            problem = $"must start with {Prefix}";
            return null;
        }

        var encoded = secret.AsSpan(Prefix.Length);
        var buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var written))
        {
            problem = $"must be {Prefix} followed by base64";
            return null;
        }

        if (written < MinKeyBytes)
        {
            problem = $"must hold a key of at least {MinKeyBytes} bytes (it holds {written})";
            return null;
        }

        return buffer[..written];
    }
}
