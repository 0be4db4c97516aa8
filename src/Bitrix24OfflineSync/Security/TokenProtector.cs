using System.Security.Cryptography;
using System.Text;

namespace Bitrix24OfflineSync.Security;

/// <summary>
/// Encrypts tokens at rest with AES-GCM. The portal and the token's purpose are bound in as associated data, so a
/// ciphertext copied to another portal or column does not decrypt. Layout: version(1) | nonce(12) | tag(16) | text.
/// </summary>
internal sealed class TokenProtector(EncryptionKeyProvider keys)
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public byte[] Protect(string plaintext, string memberId, string purpose)
    {
        var text = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[1 + NonceSize + TagSize + text.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys.Key, TagSize);
        aes.Encrypt(nonce, text, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), AssociatedData(memberId, purpose));
        return output;
    }

    public string Unprotect(byte[] protectedData, string memberId, string purpose)
    {
        if (protectedData.Length < 1 + NonceSize + TagSize || protectedData[0] != Version)
        {
            throw new CryptographicException("Unknown token format.");
        }

        var text = new byte[protectedData.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(keys.Key, TagSize);
        aes.Decrypt(
            protectedData.AsSpan(1, NonceSize),
            protectedData.AsSpan(1 + NonceSize + TagSize),
            protectedData.AsSpan(1 + NonceSize, TagSize),
            text,
            AssociatedData(memberId, purpose));
        return Encoding.UTF8.GetString(text);
    }

    private static byte[] AssociatedData(string memberId, string purpose) => Encoding.UTF8.GetBytes($"{memberId}|{purpose}");
}
