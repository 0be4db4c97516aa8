namespace Bitrix24OfflineSync.Emulator;

/// <summary>Log messages of the runnable emulator (event ids 9000–9099).</summary>
internal static partial class EmulatorAppLog
{
    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Bitrix24 emulator listening on {BaseAddress}; OAuth token endpoint {TokenEndpoint}")]
    public static partial void Listening(ILogger logger, Uri baseAddress, Uri tokenEndpoint);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "App {ClientId} with scope {Scope} is registered with the OAuth server")]
    public static partial void AppRegistered(ILogger logger, string clientId, string scope);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Portal {Domain} (member_id {MemberId}) answers REST at {ClientEndpoint}")]
    public static partial void PortalReady(ILogger logger, string domain, string memberId, Uri clientEndpoint);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Installed app {ClientId} on portal {Domain}; ONAPPINSTALL to {InstallUrl} answered {CallbackStatus}")]
    public static partial void Installed(ILogger logger, string clientId, string domain, Uri installUrl, int callbackStatus);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Error, Message = "App {ClientId} is NOT installed on portal {Domain}: ONAPPINSTALL to {InstallUrl} {Answer} at each of {Attempts} attempts, and the emulator stopped trying. Once the service answers, install it with: {HowToInstall}")]
    public static partial void InstallGaveUp(ILogger logger, string clientId, string domain, Uri installUrl, string answer, int attempts, string howToInstall);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Information, Message = "No Emulator:InstallUrl is set: install the app with POST /_emulator/portals/{Domain}/install")]
    public static partial void NotInstalled(ILogger logger, string domain);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Information, Message = "Change generator started on portal {Domain}: {ChangesPerSecond} changes per second over {Objects} objects")]
    public static partial void GeneratorStarted(ILogger logger, string domain, double changesPerSecond, int objects);

    [LoggerMessage(EventId = 9008, Level = LogLevel.Information, Message = "ONAPPINSTALL for portal {Domain} to {InstallUrl} {Answer} (attempt {Attempt}): the service may not be up yet; trying again in {DelaySeconds} s")]
    public static partial void InstallWaiting(ILogger logger, string domain, Uri installUrl, string answer, int attempt, double delaySeconds);

    [LoggerMessage(EventId = 9009, Level = LogLevel.Error, Message = "App {ClientId} is NOT installed on portal {Domain}: the service at {InstallUrl} refused ONAPPINSTALL with {StatusCode} (check its log and its Bitrix24 settings: client id, secret, OAuth server). To install again: {HowToInstall}")]
    public static partial void InstallRefused(ILogger logger, string clientId, string domain, Uri installUrl, int statusCode, string howToInstall);

    [LoggerMessage(EventId = 9010, Level = LogLevel.Warning, Message = "Change generator NOT started on portal {Domain}: the app is not installed there, so no service would hear of its changes. Once installed, start it with: {HowToStart}")]
    public static partial void GeneratorNotStarted(ILogger logger, string domain, string howToStart);

    [LoggerMessage(EventId = 9007, Level = LogLevel.Critical, Message = "The emulator's settings are invalid: {Failure}")]
    public static partial void InvalidSettings(ILogger logger, string failure);
}
