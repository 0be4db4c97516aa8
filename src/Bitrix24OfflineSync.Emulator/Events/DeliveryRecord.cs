namespace Bitrix24OfflineSync.Emulator.Events;

/// <summary>
/// One delivery: the event, where it went, and how it ended (an HTTP status, or a failure such as a timeout), or a
/// doorbell that was suppressed by <c>minTimeout</c> and never sent.
/// </summary>
public sealed record DeliveryRecord(
    long Sequence,
    DateTimeOffset At,
    string EventName,
    string HandlerUrl,
    string AppId,
    long? HandlerId,
    int? StatusCode,
    string? Failure,
    bool Suppressed,
    string? Body)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}
