using Bitrix24OfflineSync.Emulator.OAuth;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator;

public sealed partial class BitrixWorld
{
    /// <summary>Installs the app on a portal and POSTs ONAPPINSTALL, form-encoded, to <paramref name="installUrl"/>.</summary>
    public Task<InstallOutcome> InstallAppAsync(EmulatedPortal portal, Uri installUrl, EmulatedApp? app = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Install callbacks are not emulated yet.");

    /// <summary>Uninstalls the app and POSTs ONAPPUNINSTALL to its bound handlers.</summary>
    public Task UninstallAppAsync(EmulatedPortal portal, EmulatedApp? app = null, bool clean = false, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Uninstall callbacks are not emulated yet.");
}

/// <summary>What an install produced: the tokens issued, the application_token, and the install URL's HTTP status (null if unreachable).</summary>
public sealed record InstallOutcome(TokenPair Tokens, string ApplicationToken, int? CallbackStatus);
