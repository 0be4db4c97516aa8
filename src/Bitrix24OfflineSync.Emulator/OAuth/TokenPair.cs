namespace Bitrix24OfflineSync.Emulator.OAuth;

/// <summary>Tokens the OAuth server issued for one app on one portal.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken, DateTimeOffset AccessExpiresAt, int UserId);
