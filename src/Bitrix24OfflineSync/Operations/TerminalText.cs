namespace Bitrix24OfflineSync.Operations;

/// <summary>
/// What a verb prints of a stored string that came from elsewhere (a receiver's answer, a portal's data): each control
/// character becomes a space, so none can move the cursor, clear the screen or forge a line of the listing.
/// </summary>
internal static class TerminalText
{
    public static string Printable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Any(char.IsControl) ? string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c)) : text;
    }
}
