using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Sinks.Database;

/// <summary>
/// How a state is kept in the mirror: as JSON, <c>jsonb</c> on PostgreSQL. jsonb refuses a NUL character
/// (<c>\u0000</c>) inside a string, and a Bitrix24 text can hold one: such a state keeps its exact text in
/// <c>state_exact</c>, and <c>state</c> holds it with each NUL as U+FFFD, which is what the views read. Both providers
/// keep it so, and the mirror reads the exact text back. Every other state is kept as its JSON value (on PostgreSQL
/// jsonb orders keys its own way), and reads back as the same compact JSON on both.
/// </summary>
internal static class MirrorState
{
    private const string Nul = "\\u0000";

    /// <summary>What <c>state</c> and <c>state_exact</c> hold for a state's JSON text.</summary>
    public static (string? State, string? Exact) Split(string? json)
    {
        if (json is null || !json.Contains(Nul, StringComparison.Ordinal))
        {
            return (json, null);
        }

        // An escaped backslash followed by "u0000" is text, not a NUL: escaped backslashes are set aside first (JSON
        // text never holds a raw U+0001, so it can stand for one meanwhile).
        var apart = json.Replace("\\\\", "\u0001", StringComparison.Ordinal);
        return apart.Contains(Nul, StringComparison.Ordinal)
            ? (apart.Replace(Nul, "\\ufffd", StringComparison.Ordinal).Replace("\u0001", "\\\\", StringComparison.Ordinal), json)
            : (json, null);
    }

    /// <summary>The state as read back: the exact text where one was kept, else the stored JSON in compact form.</summary>
    public static string? Read(string? state, string? exact) =>
        exact ?? (state is null ? null : JsonNode.Parse(state)?.ToJsonString() ?? state);
}
