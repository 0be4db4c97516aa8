namespace Bitrix24OfflineSync.Webhooks;

/// <summary>Trims a value from an unauthenticated payload before it reaches a log: short, printable.</summary>
internal static class Untrusted
{
    private const int MaxLength = 100;

    public static string? Clip(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var clipped = value.Length > MaxLength ? value[..MaxLength] : value;
        return string.Create(clipped.Length, clipped, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
            }
        });
    }
}
