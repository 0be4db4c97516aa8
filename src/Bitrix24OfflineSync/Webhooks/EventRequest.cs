namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// What the request log says of a Bitrix24 POST: the event name and the member id it claims. Neither is verified;
/// both are clipped only when a log line is written; a token never is recorded. Kept as a request feature, so a
/// doorbell whose completion event is not written costs one small object.
/// </summary>
internal sealed class EventRequest(string? eventName, string? memberId)
{
    public string? EventName { get; } = eventName;

    public string? ClippedEventName => Untrusted.Clip(EventName);

    public string? ClippedMemberId => Untrusted.Clip(memberId);

    public static void Record(HttpContext context, EventPayload payload) =>
        context.Features.Set(new EventRequest(payload.Event, payload.MemberId));

    public static EventRequest? Read(HttpContext context) => context.Features.Get<EventRequest>();
}
