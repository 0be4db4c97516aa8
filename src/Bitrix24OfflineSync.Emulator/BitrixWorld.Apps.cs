using Bitrix24OfflineSync.Emulator.OAuth;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator;

public sealed partial class BitrixWorld
{
    /// <summary>
    /// Installs an app on a portal and issues its first token pair, without any callback: the state an app is in
    /// right after a user installed it. InstallAppAsync also posts ONAPPINSTALL.
    /// </summary>
    public TokenPair AuthorizeApp(EmulatedPortal portal, EmulatedApp? app = null, int userId = 1, bool isAdmin = true)
    {
        app ??= DefaultApp;
        portal.Install(app, userId, isAdmin);
        return OAuth.Issue(portal, app, userId);
    }
}
