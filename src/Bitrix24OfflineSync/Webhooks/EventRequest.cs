namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// What the request log says of a Bitrix24 POST: the event name and the member id it claims, both clipped. Neither
/// is verified when recorded; a token never is recorded.
/// </summary>
internal sealed record EventRequest(string? EventName, string? MemberId)
{
    private static readonly object Key = new();

    public static void Record(HttpContext context, EventPayload payload) =>
        context.Items[Key] = new EventRequest(Untrusted.Clip(payload.Event), Untrusted.Clip(payload.Auth("member_id")));

    public static EventRequest? Read(HttpContext context) => context.Items.TryGetValue(Key, out var value) ? value as EventRequest : null;
}
