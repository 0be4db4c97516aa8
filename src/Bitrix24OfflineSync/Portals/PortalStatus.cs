namespace Bitrix24OfflineSync.Portals;

internal enum PortalStatus
{
    Active,

    /// <summary>The refresh token no longer works; a user must open or reinstall the app.</summary>
    NeedsReauth,

    Uninstalled,
}
