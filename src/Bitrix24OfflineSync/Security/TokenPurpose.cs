namespace Bitrix24OfflineSync.Security;

/// <summary>Which token a ciphertext holds; bound into the encryption so the two cannot be swapped.</summary>
internal static class TokenPurpose
{
    public const string Access = "access_token";
    public const string Refresh = "refresh_token";
}
