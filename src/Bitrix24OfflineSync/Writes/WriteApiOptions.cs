using System.ComponentModel.DataAnnotations;

namespace Bitrix24OfflineSync.Writes;

/// <summary>
/// The write API (<c>WriteApi</c> section): on only when <see cref="Keys"/> holds at least one key, and only on the
/// management address (<c>Metrics__Urls</c>).
/// </summary>
internal sealed class WriteApiOptions
{
    public const string Section = "WriteApi";

    /// <summary>What <c>ORIGINATOR_ID</c> / <c>originatorId</c> says on every object the service creates.</summary>
    public const string Originator = "b24sync";

    /// <summary>Bearer keys, comma-separated (<c>WriteApi__Keys</c>); empty: the API is off.</summary>
    public string? Keys { get; set; }

    /// <summary>How many writes one portal's turn applies at most; the rest wait for the next turn, so the drain's rounds get theirs.</summary>
    [Range(1, 10_000)]
    public int WritesPerTurn { get; set; } = 500;

    /// <summary>How many times a write is tried when the portal or the network fails (not when Bitrix24 refuses it).</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 20;

    public IReadOnlyList<string> KeyList =>
        [.. (Keys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public bool Enabled => KeyList.Count > 0;
}
