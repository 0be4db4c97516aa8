using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>
/// The events the service logged, as the testing package's <see cref="FakeLogCollector"/> received them from Serilog
/// (which writes to the host's other logger providers too), read as <see cref="LogEvent"/>s: tests assert on event ids
/// and properties. <see cref="Lines"/> renders each event whole, for checks that no secret appears anywhere.
/// </summary>
public sealed class LogCapture(FakeLogCollector collector)
{
    public IReadOnlyList<LogEvent> Events => [.. collector.GetSnapshot().Select(LogEvent.From)];

    /// <summary>Every event as one line of text: level, category, id, message, every property and the exception.</summary>
    public IReadOnlyList<string> Lines => [.. collector.GetSnapshot().Select(Render)];

    /// <summary>The events with <paramref name="eventId"/>, in the order they were written.</summary>
    public IReadOnlyList<LogEvent> Of(int eventId) => [.. Events.Where(e => e.EventId == eventId)];

    private static string Render(FakeLogRecord record) =>
        string.Join(
            " | ",
            [
                record.Level.ToString(),
                record.Category ?? "",
                record.Id.Id.ToString(CultureInfo.InvariantCulture),
                record.Message,
                .. (record.StructuredState ?? []).Select(p => $"{p.Key}={p.Value}"),
                record.Exception?.ToString() ?? "",
            ]);
}

/// <summary>One event the service logged: its id (null when it has none), level, and named properties as text.</summary>
public sealed record LogEvent(int? EventId, LogLevel Level, IReadOnlyDictionary<string, string?> Properties)
{
    public string? this[string property] => Properties.GetValueOrDefault(property);

    public static LogEvent From(FakeLogRecord record)
    {
        var properties = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in record.StructuredState ?? [])
        {
            if (key != "EventId")
            {
                properties[key] = value;
            }
        }

        return new LogEvent(record.Id.Id == 0 ? null : record.Id.Id, record.Level, properties);
    }
}
