using System.Security.Cryptography;
using System.Text;

namespace Bitrix24OfflineSync.Sinks.Database.Views;

/// <summary>
/// The names of the views and their columns. A column is named by the field's upper-case name in lower case
/// (<c>UF_CRM_1712345678</c> → <c>uf_crm_1712345678</c>, <c>stageId</c>'s <c>STAGE_ID</c> → <c>stage_id</c>), always
/// quoted, so any character is safe. A name longer than PostgreSQL's 63 bytes is cut and ends in <c>_</c> and eight
/// hex digits of a hash of the field's key; so does a name that another field of the entity, or a fixed column, has
/// already (the field whose key sorts first keeps the plain name). The same names on both providers.
/// </summary>
internal static class ViewNames
{
    /// <summary>PostgreSQL cuts identifiers to 63 bytes, silently: every name is made to fit first.</summary>
    public const int MaxBytes = 63;

    public const string MemberId = "member_id";
    public const string Id = "id";
    public const string ModifiedAt = "modified_at";
    public const string SyncedAt = "synced_at";
    public const string Origin = "origin";
    public const string Deleted = "deleted";

    /// <summary>The columns every entity view has besides the fields.</summary>
    public static readonly IReadOnlySet<string> Fixed = new HashSet<string>([MemberId, Id, ModifiedAt, SyncedAt, Origin, Deleted], StringComparer.Ordinal);

    /// <summary>The view of an entity's live objects: <c>crm.deal</c> → <c>b24_crm_deal</c>, <c>crm.item.1032</c> → <c>b24_crm_item_1032</c>.</summary>
    public static string View(string entity)
    {
        var name = new StringBuilder("b24_");
        foreach (var c in entity.ToLowerInvariant())
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return Fit(name.ToString(), entity);
    }

    /// <summary>The view that keeps the tombstones too.</summary>
    public static string AllView(string entity) => Fit(View(entity) + "_all", entity + "\n_all");

    /// <summary>A quoted identifier: any name is safe in it.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Whether a field is the object's id: its column is the view's <c>id</c>.</summary>
    public static bool IsId(string name) => string.Equals(name, "ID", StringComparison.OrdinalIgnoreCase);

    /// <summary>The column of each field of one entity, by state key; unique, and none of them a fixed column's but the id's.</summary>
    public static IReadOnlyDictionary<string, string> Columns(IEnumerable<(string StateKey, string Name)> fields)
    {
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new HashSet<string>(Fixed, StringComparer.Ordinal);
        var ordered = fields.DistinctBy(f => f.StateKey).OrderBy(f => f.StateKey, StringComparer.Ordinal).ToList();
        foreach (var (key, name) in ordered.Where(f => IsId(f.Name)).Take(1))
        {
            columns[key] = Id;
        }

        foreach (var group in ordered.Where(f => !columns.ContainsKey(f.StateKey)).GroupBy(f => Plain(f.Name, f.StateKey), StringComparer.Ordinal))
        {
            foreach (var (key, _) in group)
            {
                var column = taken.Contains(group.Key) ? Suffixed(group.Key, key, 8) : group.Key;
                for (var digits = 16; taken.Contains(column); digits += 8)
                {
                    column = Suffixed(group.Key, key, digits);
                }

                taken.Add(column);
                columns[key] = column;
            }
        }

        return columns;
    }

    /// <summary>The field's name in lower case, without control characters, made to fit.</summary>
    private static string Plain(string name, string key)
    {
        var plain = new string([.. name.ToLowerInvariant().Where(c => !char.IsControl(c))]);
        return Fit(plain.Length == 0 ? "field" : plain, key);
    }

    private static string Fit(string name, string key) => Encoding.UTF8.GetByteCount(name) <= MaxBytes ? name : Suffixed(name, key, 8);

    /// <summary><paramref name="name"/> cut so that <c>_</c> and <paramref name="digits"/> hex digits of the key's hash fit after it.</summary>
    private static string Suffixed(string name, string key, int digits)
    {
        var suffix = "_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..Math.Min(digits, 64)];
        var room = MaxBytes - suffix.Length;
        var cut = new StringBuilder();
        foreach (var rune in name.EnumerateRunes())
        {
            room -= rune.Utf8SequenceLength;
            if (room < 0)
            {
                break;
            }

            cut.Append(rune.ToString());
        }

        return cut.Append(suffix).ToString();
    }
}
