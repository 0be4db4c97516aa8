namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// What <see cref="EventMapper.Resolve"/> made of one event: its concrete mapping and object id; or no mapping
/// (delivered as it came); or ignored (an item of a smart-process type not synced); or why it cannot be read.
/// </summary>
internal sealed record EventResolution(EventMapping? Mapping, string? Id, bool IsIgnored, string? Problem)
{
    public static EventResolution Unmapped { get; } = new(null, null, false, null);

    public static EventResolution Ignored { get; } = new(null, null, true, null);

    public static EventResolution Of(EventMapping mapping, string id) => new(mapping, id, false, null);

    public static EventResolution Invalid(EventMapping mapping, string problem) => new(mapping, null, false, problem);
}
