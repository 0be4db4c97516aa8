namespace Bitrix24OfflineSync.Bitrix;

/// <summary>The portal's refresh token no longer works; nothing is called until the app is reinstalled or reopened.</summary>
internal sealed class PortalNeedsReauthException(string memberId)
    : Exception($"Portal {memberId} needs re-authorization: its refresh token was refused.")
{
    public string MemberId { get; } = memberId;
}
