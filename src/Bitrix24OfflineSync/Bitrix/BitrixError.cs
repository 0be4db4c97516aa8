using System.Net;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>Bitrix24's error envelope, <c>{"error","error_description"}</c>, with the HTTP status it came with.</summary>
internal sealed record BitrixError(string Code, string Description, HttpStatusCode Status)
{
    /// <summary>CRM answers a missing object with an empty code and "Not found"; newer APIs may say <c>NOT_FOUND</c>.</summary>
    public bool IsNotFound =>
        (Code.Length == 0 && Description.StartsWith("Not found", StringComparison.OrdinalIgnoreCase)) ||
        string.Equals(Code, "NOT_FOUND", StringComparison.OrdinalIgnoreCase);

    public bool IsExpiredToken => Code == "expired_token";

    public const string QueryLimitExceeded = "QUERY_LIMIT_EXCEEDED";

    public bool IsQueryLimit => Code == QueryLimitExceeded;

    public bool IsOperationTimeLimit => Code == "OPERATION_TIME_LIMIT";

    /// <summary>403 <c>WRONG_LICENSE</c>: the portal's plan lacks a feature the call needs.</summary>
    public bool IsWrongLicense => Code == "WRONG_LICENSE";

    /// <summary>The licence refusal of the <c>auth_connector</c> key, which the server checks before any method runs.</summary>
    public bool IsConnectorLicence => IsWrongLicense && Description.Contains("auth_connector", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => $"{(int)Status} {(Code.Length == 0 ? "(no code)" : Code)}: {Description}";
}
