using Bitrix24OfflineSync.Security;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>Trims a value from an unauthenticated payload before it reaches a log: short, printable (<see cref="PrintableText"/>).</summary>
internal static class Untrusted
{
    private const int MaxLength = 100;

    public static string? Clip(string? value) => PrintableText.Of(value is { Length: > MaxLength } ? value[..MaxLength] : value);
}
