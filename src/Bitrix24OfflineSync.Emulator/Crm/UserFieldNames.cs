using System.Text;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// User field names as the universal API spells them. The server keeps <c>UF_CRM_5_1639669411830</c>; answers say
/// <c>ufCrm5_1639669411830</c> unless <c>useOriginalUfNames=Y</c>, and a deal's <c>UF_CRM_1721244707107</c> becomes
/// <c>ufCrm_1721244707107</c> (the docs' examples): a run of digits keeps its underscore unless it joins two words.
/// </summary>
internal static class UserFieldNames
{
    public static bool IsOriginal(string name) => name.StartsWith("UF_", StringComparison.Ordinal);

    public static string ToCamel(string original)
    {
        var parts = original.Split('_', StringSplitOptions.RemoveEmptyEntries);
        var sb = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (i == 0)
            {
                sb.Append(part.ToLowerInvariant());
            }
            else if (part.All(char.IsAsciiDigit))
            {
                var joinsWords = i < parts.Length - 1 && !parts[i - 1].All(char.IsAsciiDigit);
                sb.Append(joinsWords ? "" : "_").Append(part);
            }
            else
            {
                sb.Append(char.ToUpperInvariant(part[0])).Append(part[1..].ToLowerInvariant());
            }
        }

        return sb.ToString();
    }

    /// <summary><c>ufCrm5_163</c> → <c>UF_CRM_5_163</c>; null when the name is not a user field's in either spelling.</summary>
    public static string? ToOriginal(string name)
    {
        if (IsOriginal(name))
        {
            return name;
        }

        if (!name.StartsWith("uf", StringComparison.Ordinal) || name.Length < 3 || !char.IsUpper(name[2]))
        {
            return null;
        }

        var tokens = new List<StringBuilder>();
        foreach (var c in name)
        {
            var previous = tokens.Count == 0 || tokens[^1].Length == 0 ? (char?)null : tokens[^1][^1];
            var starts = c == '_' || char.IsUpper(c) || previous is null || char.IsAsciiDigit(c) != char.IsAsciiDigit(previous.Value);
            if (starts)
            {
                tokens.Add(new StringBuilder());
            }

            if (c != '_')
            {
                tokens[^1].Append(char.ToUpperInvariant(c));
            }
        }

        return string.Join('_', tokens.Where(t => t.Length > 0));
    }
}
