namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>One delivery attempt that did not get a 2xx: the status code, or the kind of error when no answer came.</summary>
internal sealed class DeliveryAttemptException(string failure, int? statusCode, Exception? inner = null)
    : Exception($"The receiver did not accept the message: {failure}.", inner)
{
    public string Failure { get; } = failure;

    public int? StatusCode { get; } = statusCode;
}
