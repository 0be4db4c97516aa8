using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Events;
using Bitrix24OfflineSync.Emulator.OAuth;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator;

public sealed partial class BitrixWorld
{
    private const string LanguageId = "en";

    /// <summary>
    /// Installs the app on a portal and POSTs ONAPPINSTALL, form-encoded, to <paramref name="installUrl"/>. As
    /// <c>CRestUtil::InstallApp</c> does, the install URL becomes the app's ONAPPINSTALL handler.
    /// </summary>
    public async Task<InstallOutcome> InstallAppAsync(
        EmulatedPortal portal, Uri installUrl, EmulatedApp? app = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(portal);
        ArgumentNullException.ThrowIfNull(installUrl);
        app ??= DefaultApp;
        var tokens = AuthorizeApp(portal, app);
        var installation = portal.Installation(app)!;
        var binding = portal.Bindings.Ensure(app, EventCatalog.OnAppInstall, installUrl.ToString());
        var data = new JsonObject { ["VERSION"] = "1", ["ACTIVE"] = "Y", ["INSTALLED"] = "Y", ["LANGUAGE_ID"] = LanguageId };
        var auth = Events.Delivery.Auth(portal, installation, tokens, withRefreshToken: true);
        var body = Events.Delivery.Body(EventCatalog.OnAppInstall, binding.Id, data, auth);
        var status = await Events.Delivery.SendAsync(portal, EventCatalog.OnAppInstall, app.ClientId, binding.Id, installUrl.ToString(), body, cancellationToken)
            .ConfigureAwait(false);
        return new InstallOutcome(tokens, installation.ApplicationToken, status);
    }

    /// <summary>
    /// Uninstalls the app: its tokens, bindings and queued rows go, and ONAPPUNINSTALL is POSTed to its bound
    /// handlers with no tokens, only what identifies the portal and the application_token (read before it is forgotten).
    /// </summary>
    public async Task UninstallAppAsync(
        EmulatedPortal portal, EmulatedApp? app = null, bool clean = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(portal);
        app ??= DefaultApp;
        if (portal.Installation(app) is not { } installation)
        {
            return;
        }

        var data = new JsonObject { ["LANGUAGE_ID"] = LanguageId, ["CLEAN"] = clean ? "1" : "0" };
        var auth = Events.Delivery.Auth(portal, installation, tokens: null, withRefreshToken: false);
        var callbacks = portal.Bindings.ForApp(app)
            .Where(b => b.EventName == EventCatalog.OnAppUninstall && !b.IsOffline)
            .Select(b => (Binding: b, Body: Events.Delivery.Body(EventCatalog.OnAppUninstall, b.Id, data, auth)))
            .ToList();

        OAuth.Revoke(portal, app);
        portal.Bindings.RemoveWhere(b => b.AppId == app.ClientId);
        portal.Queue.RemoveApp(app.ClientId);
        portal.Uninstall(app);

        // The app is gone by the time its handler hears of it, as on the server.
        await Task.WhenAll(callbacks.Select(c =>
            Events.Delivery.SendAsync(portal, EventCatalog.OnAppUninstall, app.ClientId, c.Binding.Id, c.Binding.Handler, c.Body, cancellationToken))).ConfigureAwait(false);
    }
}

/// <summary>What an install produced: the tokens issued, the application_token, and the install URL's HTTP status (null if unreachable).</summary>
public sealed record InstallOutcome(TokenPair Tokens, string ApplicationToken, int? CallbackStatus);
