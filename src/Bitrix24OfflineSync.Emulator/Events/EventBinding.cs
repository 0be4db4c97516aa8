namespace Bitrix24OfflineSync.Emulator.Events;

/// <summary>
/// A row of b_rest_event: an app's handler for an event. An offline binding has an empty <see cref="Handler"/>;
/// <see cref="ConnectorId"/> is the offline queue it fills.
/// </summary>
public sealed record EventBinding(
    long Id,
    string AppId,
    string EventName,
    string Handler,
    int UserId,
    string ConnectorId,
    IReadOnlyDictionary<string, int> Options)
{
    public bool IsOffline => Handler.Length == 0;

    /// <summary><c>options.minTimeout</c> of an ONOFFLINEEVENT binding; null when not set (the server then uses 1 s).</summary>
    public int? MinTimeout => Options.TryGetValue(EventCatalog.MinTimeoutOption, out var value) ? value : null;
}
