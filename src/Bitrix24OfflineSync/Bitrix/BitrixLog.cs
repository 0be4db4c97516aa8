namespace Bitrix24OfflineSync.Bitrix;

/// <summary>The REST client, ids 1200–1299. Method names and member ids only: never a token or a URL with a query.</summary>
internal static partial class BitrixLog
{
    [LoggerMessage(1201, LogLevel.Information, "Access token of portal {MemberId} refreshed (by this process: {ByUs})")]
    public static partial void TokenRefreshed(ILogger logger, string memberId, bool byUs);

    [LoggerMessage(1202, LogLevel.Error, "Portal {MemberId} needs re-authorization: its refresh token was refused ({Reason}); no REST calls are made for it until the app is reinstalled or reopened")]
    public static partial void NeedsReauth(ILogger logger, string memberId, string reason);

    [LoggerMessage(1203, LogLevel.Warning, "Portal {MemberId} answered QUERY_LIMIT_EXCEEDED to {Method}; pausing its requests for {PauseMs} ms")]
    public static partial void QueryLimitExceeded(ILogger logger, string memberId, string method, double pauseMs);

    [LoggerMessage(1204, LogLevel.Warning, "Portal {MemberId} blocked {Method} for its operating time; pausing that method for {PauseMs} ms")]
    public static partial void OperationTimeLimit(ILogger logger, string memberId, string method, double pauseMs);

    [LoggerMessage(1205, LogLevel.Warning, "Call {Method} to portal {MemberId} failed ({Reason}); attempt {Attempt}, retrying: {WillRetry}")]
    public static partial void TransientFailure(ILogger logger, string method, string memberId, string reason, int attempt, bool willRetry);

    [LoggerMessage(1206, LogLevel.Error, "Portal {MemberId} answered {Method} with a redirect to {RedirectHost}; not followed (the portal may have been renamed)")]
    public static partial void Redirected(ILogger logger, string memberId, string method, string redirectHost);

    [LoggerMessage(1207, LogLevel.Error, "Refusing to call portal {MemberId}: its endpoint {Problem}")]
    public static partial void EndpointRefused(ILogger logger, string memberId, string problem);

    [LoggerMessage(1208, LogLevel.Warning, "Circuit for portal {MemberId} opened after repeated failures; calls pause for {BreakSeconds} s")]
    public static partial void CircuitOpened(ILogger logger, string memberId, double breakSeconds);

    [LoggerMessage(1209, LogLevel.Warning, "Portal {MemberId}'s plan lacks rest_auth_connector (WRONG_LICENSE): this process stops sending Bitrix24__AuthConnector to it and works on its queue and bindings without a connector; the service's own changes there are not told apart from others'")]
    public static partial void ConnectorRefused(ILogger logger, string memberId);

    [LoggerMessage(1210, LogLevel.Error, "Portal {MemberId} answered {Method} with more than {MaxResponseBytes} bytes (Bitrix24__MaxResponseBytes); the answer was not read further and the call failed")]
    public static partial void AnswerTooLarge(ILogger logger, string memberId, string method, long maxResponseBytes);
}
