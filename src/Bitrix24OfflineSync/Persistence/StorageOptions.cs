using System.ComponentModel.DataAnnotations;

namespace Bitrix24OfflineSync.Persistence;

/// <summary>The <c>Storage</c> configuration section.</summary>
internal sealed class StorageOptions
{
    public const string Section = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Base64 of a 32-byte AES key; when empty on the embedded default, one is generated into the data folder.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>Where the embedded default keeps its database and generated key.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "data";
}

internal enum StorageProvider
{
    Sqlite,
    Postgres,
}
