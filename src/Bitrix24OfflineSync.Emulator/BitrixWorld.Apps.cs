using Bitrix24OfflineSync.Emulator.OAuth;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator;

public sealed partial class BitrixWorld
{
    /// <summary>
    /// Installs an app on a portal and issues its first token pair, without any callback: the state an app is in
    /// right after a user installed it. The installing user is made (or kept) an administrator as
    /// <paramref name="isAdmin"/> says. InstallAppAsync also posts ONAPPINSTALL.
    /// </summary>
    public TokenPair AuthorizeApp(EmulatedPortal portal, EmulatedApp? app = null, int userId = PortalUsers.FirstAdmin, bool isAdmin = true)
    {
        ArgumentNullException.ThrowIfNull(portal);
        app ??= DefaultApp;
        portal.Users.Set(userId, isAdmin);
        portal.Install(app, userId);
        return OAuth.Issue(portal, app, userId);
    }

    /// <summary>
    /// A user opens an installed app: Bitrix24 hands the browser <c>AUTH_ID</c> and <c>REFRESH_ID</c> for that user,
    /// tokens of the app as valid as the installer's. Nothing is sent to the app's handlers.
    /// </summary>
    public TokenPair OpenApp(EmulatedPortal portal, int userId, EmulatedApp? app = null)
    {
        ArgumentNullException.ThrowIfNull(portal);
        app ??= DefaultApp;
        if (portal.Users.Find(userId) is null)
        {
            throw new KeyNotFoundException($"No user {userId} on portal {portal.Domain}.");
        }

        return portal.IsInstalled(app)
            ? OAuth.IssueForUser(portal, app, userId)
            : throw new InvalidOperationException($"App {app.ClientId} is not installed on portal {portal.Domain}.");
    }
}
