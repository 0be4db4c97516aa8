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

    public bool IsQueryLimit => Code == "QUERY_LIMIT_EXCEEDED";

    public bool IsOperationTimeLimit => Code == "OPERATION_TIME_LIMIT";

    public override string ToString() => $"{(int)Status} {(Code.Length == 0 ? "(no code)" : Code)}: {Description}";
}
