using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Sinks.Http;

/// <summary>
/// The bodies the HTTP sink POSTs, written once to bytes: the exact bytes that are signed are the bytes that are sent.
/// Property names and action names are the public contract (docs/drain.md, "Sinks").
/// </summary>
internal static class SinkPayloadWriter
{
    public const string ChangesType = "bitrix24.changes";
    public const string ForgetType = "bitrix24.portal.forget";

    // Portal data is often Cyrillic; the default encoder would escape every such character six-fold. The body is
    // JSON for a machine, never embedded in HTML, so the relaxed encoder is safe here.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Changes(string memberId, string? domain, IEnumerable<ObjectChange> changes) => Write(writer =>
    {
        WriteHead(writer, ChangesType, memberId, domain);
        writer.WriteStartArray("changes");
        foreach (var change in changes)
        {
            WriteChange(writer, change);
        }

        writer.WriteEndArray();
    });

    public static byte[] Forget(string memberId, string? domain) => Write(writer => WriteHead(writer, ForgetType, memberId, domain));

    public static string ActionName(ChangeAction action) => action switch
    {
        ChangeAction.Upsert => "upsert",
        ChangeAction.Delete => "delete",
        ChangeAction.Event => "event",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown change action."),
    };

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteHead(Utf8JsonWriter writer, string type, string memberId, string? domain)
    {
        writer.WriteString("type", type);
        writer.WriteStartObject("portal");
        writer.WriteString("memberId", memberId);
        if (domain is not null)
        {
            writer.WriteString("domain", domain);
        }

        writer.WriteEndObject();
    }

    private static void WriteChange(Utf8JsonWriter writer, ObjectChange change)
    {
        writer.WriteStartObject();
        writer.WriteString("entity", change.Key.Entity);
        writer.WriteString("id", change.Key.Id);
        writer.WriteString("action", ActionName(change.Action));
        writer.WriteString("origin", change.Origin.Name());
        if (change.WriteKey is not null)
        {
            // The external system tells its own write's echo from a user's change by it.
            writer.WriteString("writeKey", change.WriteKey);
        }

        writer.WritePropertyName("state");
        var state = change.Action switch
        {
            ChangeAction.Delete => null,
            ChangeAction.Event => EventState(change),
            _ => change.State,
        };
        if (state is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            state.WriteTo(writer);
        }

        if (change.ModifiedAt is { } modifiedAt)
        {
            writer.WriteString("modifiedAt", modifiedAt);
        }

        writer.WriteStartArray("events");
        foreach (var name in change.Events)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// An unmapped event goes out as <c>{"event":…,"data":…}</c>. A state already in that form is sent as it is;
    /// otherwise the state is the event's data and the (first) event name is added.
    /// </summary>
    private static JsonObject EventState(ObjectChange change)
    {
        if (change.State is JsonObject { Count: 2 } shaped && shaped.ContainsKey("event") && shaped.ContainsKey("data"))
        {
            return shaped;
        }

        return new JsonObject
        {
            ["event"] = change.Events.Count > 0 ? change.Events[0] : null,
            ["data"] = change.State?.DeepClone(),
        };
    }
}
