namespace Bitrix24OfflineSync.Emulator.OAuth;

/// <summary>An OAuth server refusal such as <c>invalid_grant</c> or <c>invalid_client</c>.</summary>
public sealed class OAuthException(string code, string description) : Exception(description)
{
    public string Code { get; } = code;

    public string Description { get; } = description;
}
