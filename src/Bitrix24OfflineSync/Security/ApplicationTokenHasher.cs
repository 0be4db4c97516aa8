using System.Security.Cryptography;
using System.Text;

namespace Bitrix24OfflineSync.Security;

/// <summary>
/// The <c>application_token</c> is kept only as an HMAC-SHA256 under a key derived from the encryption key, and
/// compared in constant time.
/// </summary>
internal sealed class ApplicationTokenHasher(EncryptionKeyProvider keys)
{
    private readonly Lazy<byte[]> _hmacKey = new(() =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, keys.Key, 32, info: Encoding.ASCII.GetBytes("application_token")));

    public byte[] Hash(string applicationToken) => HMACSHA256.HashData(_hmacKey.Value, Encoding.UTF8.GetBytes(applicationToken));

    /// <summary>Compares a presented token with a stored hash; with no stored hash it does the same work and says no.</summary>
    public bool Matches(string presented, byte[]? storedHash)
    {
        var hash = Hash(presented);
        return storedHash is not null
            ? CryptographicOperations.FixedTimeEquals(hash, storedHash)
            : !CryptographicOperations.FixedTimeEquals(hash, hash);
    }
}
