namespace Bitrix24OfflineSync.Bitrix;

/// <summary>
/// A call that did not get an answer it can trust: the portal kept failing, the circuit is open, the portal moved, or
/// the call was not safe to repeat after a fault. The caller recovers (the drain re-reads by process_id).
/// </summary>
internal sealed class BitrixUnavailableException(string memberId, string method, string reason, Exception? inner = null)
    : Exception($"{method} for portal {memberId}: {reason}", inner)
{
    public string MemberId { get; } = memberId;

    public string Method { get; } = method;

    public string Reason { get; } = reason;
}
