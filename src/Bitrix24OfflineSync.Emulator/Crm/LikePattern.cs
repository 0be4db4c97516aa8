namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// SQL LIKE as the <c>=%</c>/<c>%=</c> filter prefixes use it: the pattern's <c>%</c> stands for any run of characters,
/// the rest must match in place, case-insensitively (the MySQL collation).
/// </summary>
internal static class LikePattern
{
    public static bool Matches(string value, string pattern)
    {
        var parts = pattern.Split('%');
        if (!value.StartsWith(parts[0], StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var at = parts[0].Length;
        for (var i = 1; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            var found = last
                ? (value.Length - at >= parts[i].Length && value.EndsWith(parts[i], StringComparison.OrdinalIgnoreCase) ? value.Length - parts[i].Length : -1)
                : value.IndexOf(parts[i], at, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                return false;
            }

            at = found + parts[i].Length;
        }

        return parts.Length > 1 || at == value.Length;
    }
}
