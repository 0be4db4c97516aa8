namespace Bitrix24OfflineSync.Bitrix;

/// <summary>
/// A failed attempt that a later one may fix. <see cref="NotExecuted"/> is true when the server refused the call
/// before running it (the limits), so even a call that is unsafe to repeat may be sent again.
/// </summary>
internal sealed class BitrixTransientException(string reason, bool notExecuted, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(reason, inner)
{
    public string Reason { get; } = reason;

    public bool NotExecuted { get; } = notExecuted;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
