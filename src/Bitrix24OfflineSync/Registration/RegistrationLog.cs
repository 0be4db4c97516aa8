namespace Bitrix24OfflineSync.Registration;

/// <summary>Event registration, ids 1600–1649.</summary>
internal static partial class RegistrationLog
{
    [LoggerMessage(1601, LogLevel.Information, "Portal {MemberId}: bound {Bound} (already bound: {AlreadyBound}); handler {Handler}")]
    public static partial void Bound(ILogger logger, string memberId, string bound, int alreadyBound, string handler);

    [LoggerMessage(1602, LogLevel.Warning, "Portal {MemberId}: events not bound because Bitrix24__PublicUrl is not set; doorbells will not arrive, only the safety-net poll drains it")]
    public static partial void NoPublicUrl(ILogger logger, string memberId);

    [LoggerMessage(1603, LogLevel.Error, "Portal {MemberId}: binding {EventName} failed: {Reason}")]
    public static partial void BindFailed(ILogger logger, string memberId, string eventName, string reason);

    [LoggerMessage(1604, LogLevel.Information, "Portal {MemberId}: unbound {EventName} from {Handler}")]
    public static partial void Unbound(ILogger logger, string memberId, string eventName, string handler);

    [LoggerMessage(1605, LogLevel.Error, "Portal {MemberId}: registration failed ({Reason}); it is tried again at the next install or with the rebind command")]
    public static partial void RegistrationFailed(ILogger logger, Exception exception, string memberId, string reason);
}
