using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>
/// Receives every JSON line the service's logger writes and reads each as a <see cref="LogEvent"/>, so tests assert on
/// event ids and properties, not on substrings of JSON. <see cref="Lines"/> stays for checks of the raw text (no
/// secret in any line).
/// </summary>
public sealed class LogCapture : TextWriter
{
    private readonly Lock _sync = new();
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_sync)
            {
                return _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }
    }

    public IReadOnlyList<LogEvent> Events => [.. Lines.Select(LogEvent.Parse).OfType<LogEvent>()];

    /// <summary>The events with <paramref name="eventId"/>, in the order they were written.</summary>
    public IReadOnlyList<LogEvent> Of(int eventId) => [.. Events.Where(e => e.EventId == eventId)];

    public override void Write(char value)
    {
        lock (_sync)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_sync)
        {
            _text.Append(value);
        }
    }
}

/// <summary>One event the service logged: its id, level, and named properties rendered as text.</summary>
public sealed record LogEvent(int? EventId, string Level, IReadOnlyDictionary<string, string?> Properties)
{
    public string? this[string property] => Properties.GetValueOrDefault(property);

    public static LogEvent? Parse(string line)
    {
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }

        if (json?[nameof(Properties)] is not JsonObject properties)
        {
            return null;
        }

        var eventId = properties[nameof(EventId)]?["Id"] is JsonValue id && id.TryGetValue<int>(out var number) ? number : (int?)null;
        var values = properties
            .Where(p => p.Key != nameof(EventId))
            .ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : p.Value?.ToJsonString(), StringComparer.Ordinal);
        return new LogEvent(eventId, json[nameof(Level)]?.ToString() ?? "Information", values);
    }
}
