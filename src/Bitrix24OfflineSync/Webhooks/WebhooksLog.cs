namespace Bitrix24OfflineSync.Webhooks;

/// <summary>Event intake, ids 1000–1099. Values from payloads are unverified: only ids and names, never a token.</summary>
internal static partial class WebhooksLog
{
    [LoggerMessage(1001, LogLevel.Information, "App installed on portal {MemberId} ({Domain}), REST endpoint {ClientEndpoint}")]
    public static partial void InstallAccepted(ILogger logger, string memberId, string domain, string clientEndpoint);

    [LoggerMessage(1002, LogLevel.Warning, "Install rejected: {Reason} (member {MemberId}, domain {Domain})")]
    public static partial void InstallRejected(ILogger logger, string reason, string? memberId, string? domain);

    [LoggerMessage(1003, LogLevel.Information, "App uninstalled from portal {MemberId} ({Domain}); clean requested: {Clean}")]
    public static partial void UninstallAccepted(ILogger logger, string memberId, string? domain, bool clean);

    [LoggerMessage(1004, LogLevel.Warning, "Uninstall rejected: {Reason} (member {MemberId}, domain {Domain})")]
    public static partial void UninstallRejected(ILogger logger, string reason, string? memberId, string? domain);

    [LoggerMessage(1005, LogLevel.Debug, "Doorbell from portal {MemberId}; marked dirty: {MarkedDirty}")]
    public static partial void DoorbellAccepted(ILogger logger, string memberId, bool markedDirty);

    [LoggerMessage(1006, LogLevel.Warning, "Doorbell rejected: {Reason} (member {MemberId}, domain {Domain})")]
    public static partial void DoorbellRejected(ILogger logger, string reason, string? memberId, string? domain);

    [LoggerMessage(1007, LogLevel.Debug, "Event {EventName} ignored (member {MemberId})")]
    public static partial void EventIgnored(ILogger logger, string? eventName, string? memberId);

    [LoggerMessage(1008, LogLevel.Information, "Event body rejected with {StatusCode}: {Reason}")]
    public static partial void BodyRejected(ILogger logger, int statusCode, string reason);

    [LoggerMessage(1010, LogLevel.Information, "Mirrored data of portal {MemberId} deleted (uninstall with CLEAN=1)")]
    public static partial void PortalDataDeleted(ILogger logger, string memberId);

    [LoggerMessage(1011, LogLevel.Error, "Mirrored data of portal {MemberId} could not be deleted after an uninstall with CLEAN=1")]
    public static partial void PortalDataNotDeleted(ILogger logger, Exception exception, string memberId);

    [LoggerMessage(1012, LogLevel.Warning, "Reinstall over active portal {MemberId} refused: the installing user {UserId} is not an administrator of the portal; its tokens, application_token and domain are unchanged")]
    public static partial void TakeoverRefused(ILogger logger, string memberId, long? userId);

    [LoggerMessage(1013, LogLevel.Warning, "{NotLogged} install refusals were not logged (at most {MaxLogged} a minute are)")]
    public static partial void InstallRefusalsNotLogged(ILogger logger, int notLogged, int maxLogged);

    [LoggerMessage(1009, LogLevel.Warning, "Installs are refused: Bitrix24__ClientId and Bitrix24__ClientSecret are not configured")]
    public static partial void NoCredentials(ILogger logger);
}
