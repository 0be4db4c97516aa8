using System.Buffers;

namespace Bitrix24OfflineSync.Security;

/// <summary>
/// Text from outside (a payload, a portal, a stored record) made safe to print in a log or on an operator's terminal:
/// every control character (C0, DEL, C1: what <see cref="char.IsControl(char)"/> is true for, the ESC of a terminal
/// sequence among them) and every bidirectional override or isolate (which reorder what is shown) becomes <c>?</c>.
/// </summary>
internal static class PrintableText
{
    private static readonly SearchValues<char> Unprintable = SearchValues.Create(
    [
        .. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c),
        '\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069',
    ]);

    public static string? Of(string? value)
    {
        if (value is null || !value.AsSpan().ContainsAny(Unprintable))
        {
            return value;
        }

        return string.Create(value.Length, value, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = Unprintable.Contains(text[i]) ? '?' : text[i];
            }
        });
    }
}
