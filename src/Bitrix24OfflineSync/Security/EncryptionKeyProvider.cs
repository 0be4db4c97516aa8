using Bitrix24OfflineSync.Persistence;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Security;

/// <summary>
/// The AES-256 key that protects tokens at rest: <c>Storage:EncryptionKey</c> when set, otherwise (embedded default
/// only) a key generated once into the data folder, readable by the service's user alone.
/// </summary>
internal sealed class EncryptionKeyProvider(IOptions<StorageOptions> options, ILogger<EncryptionKeyProvider> logger)
{
    public const string KeyFileName = "encryption.key";
    private readonly Lazy<byte[]> _key = new(() => Load(options.Value, logger));

    public byte[] Key => _key.Value;

    /// <summary>A new key in the form <c>Storage:EncryptionKey</c> and the key file take: base64 of 32 random bytes.</summary>
    public static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private static byte[] Load(StorageOptions options, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.EncryptionKey))
        {
            return Decode(options.EncryptionKey, "Storage:EncryptionKey");
        }

        if (options.Provider != StorageProvider.Sqlite)
        {
            throw new InvalidOperationException("Storage:EncryptionKey must be set when several replicas share a database: each would generate its own key. Make one with the key new verb (Bitrix24OfflineSync key new).");
        }

        var path = Path.GetFullPath(Path.Combine(options.DataDirectory, KeyFileName));
        if (File.Exists(path))
        {
            return Decode(File.ReadAllText(path).Trim(), path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = NewKey();
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, System.Text.Encoding.ASCII, fileOptions))
        {
            writer.Write(key);
        }

        SecurityLog.EncryptionKeyGenerated(logger, path);
        return Convert.FromBase64String(key);
    }

    private static byte[] Decode(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{source} is not base64.");
        }

        return key.Length == 32 ? key : throw new InvalidOperationException($"{source} must decode to 32 bytes, not {key.Length}.");
    }
}
