using System.Globalization;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// What the <c>Sync</c> section says about events and entities: the <c>Sync:Mappings</c> list (events beyond the
/// built-in ones, and how to fetch what they changed), and which smart-process types are synced.
/// </summary>
internal sealed class EventMappingOptions
{
    public const string Section = "Sync";

    public List<MappingSettings> Mappings { get; set; } = [];

    /// <summary>
    /// The smart-process types synced, as comma-separated <c>entityTypeId</c>s (e.g. <c>1220,1222,31</c>; 31 is the new
    /// invoices); empty: every type the portal has. Items of other types are left alone.
    /// </summary>
    public string? SmartProcessTypes { get; set; }

    /// <summary>The parsed <see cref="SmartProcessTypes"/>; empty means all. Values that are not positive integers are left out (and refused at start).</summary>
    public IReadOnlySet<long> SmartProcessTypeSet => Split(SmartProcessTypes)
        .Select(t => long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : 0)
        .Where(id => id > 0)
        .ToHashSet();

    public bool SyncsType(long entityTypeId) => SmartProcessTypeSet is var set && (set.Count == 0 || set.Contains(entityTypeId));

    /// <summary>The entries of <see cref="SmartProcessTypes"/> that are not positive integers.</summary>
    public IEnumerable<string> BadSmartProcessTypes() =>
        Split(SmartProcessTypes).Where(t => !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0);

    private static string[] Split(string? value) => value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
