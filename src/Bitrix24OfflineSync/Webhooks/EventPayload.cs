namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// An event body flattened to PHP-style keys (<c>auth[member_id]</c>, <c>data[FIELDS][ID]</c>), every value a string,
/// whether it came form-encoded or as JSON.
/// </summary>
internal sealed class EventPayload(IReadOnlyDictionary<string, string> values)
{
    private string? _event;
    private string? _memberId;

    public IReadOnlyDictionary<string, string> Values { get; } = values;

    /// <summary>The event name, upper-cased as Bitrix24 spells it.</summary>
    public string? Event => _event ??= Values.GetValueOrDefault("event")?.ToUpperInvariant();

    /// <summary>The portal the event claims to come from (<c>auth[member_id]</c>), not verified.</summary>
    public string? MemberId => _memberId ??= Auth("member_id");

    public string? Get(params string[] path) => Values.GetValueOrDefault(Key(path));

    /// <summary>A value of the <c>auth</c> block; its keys are the code's own few names, so each is composed once.</summary>
    public string? Auth(string name) => Values.GetValueOrDefault(AuthKeys.GetOrAdd(name, static n => $"auth[{n}]"));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> AuthKeys = new(StringComparer.Ordinal);

    public static string Key(IReadOnlyList<string> path)
    {
        if (path.Count == 1)
        {
            return path[0];
        }

        var key = new System.Text.StringBuilder(path[0]);
        for (var i = 1; i < path.Count; i++)
        {
            key.Append('[').Append(path[i]).Append(']');
        }

        return key.ToString();
    }

    public override string ToString() => $"EventPayload {{ Event = {Event}, Keys = {Values.Count} }}";
}
