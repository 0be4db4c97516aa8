using System.Buffers;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>Trims a value from an unauthenticated payload before it reaches a log: short, printable.</summary>
internal static class Untrusted
{
    private const int MaxLength = 100;

    /// <summary>What <see cref="char.IsControl(char)"/> is true for.</summary>
    private static readonly SearchValues<char> Controls = SearchValues.Create([.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c)]);

    public static string? Clip(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var clipped = value.Length > MaxLength ? value[..MaxLength] : value;
        if (!clipped.AsSpan().ContainsAny(Controls))
        {
            return clipped;
        }

        return string.Create(clipped.Length, clipped, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
            }
        });
    }
}
