namespace Bitrix24OfflineSync.Webhooks;

/// <summary>A body that breaks the format or a limit; <see cref="StatusCode"/> is 400, 413 or 415.</summary>
internal sealed class MalformedBodyException(int statusCode, string reason) : Exception(reason)
{
    public int StatusCode { get; } = statusCode;

    public string Reason { get; } = reason;
}
