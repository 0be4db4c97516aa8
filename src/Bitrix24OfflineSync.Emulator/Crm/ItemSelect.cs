using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// <c>crm.item.list</c>'s <c>select</c>: field names or <c>*</c> (its default). Names the type lacks are dropped, as
/// the controller drops them; <c>id</c> is always answered, <c>entityTypeId</c> (and a contact's <c>fm</c>) only with <c>*</c>.
/// </summary>
internal sealed record ItemSelect(bool All, IReadOnlySet<string> Fields)
{
    public static ItemSelect Everything { get; } = new(true, new HashSet<string>());

    public static ItemSelect Parse(JsonNode? select, IItemSet items)
    {
        var names = PhpJson.AsList(select).Select(FieldValues.Text).OfType<string>().Select(n => n.Trim()).Where(n => n.Length > 0).ToList();
        if (names.Count == 0 || names.Contains("*"))
        {
            return Everything;
        }

        return new ItemSelect(false, names.Select(items.Resolve).OfType<string>().ToHashSet(StringComparer.Ordinal));
    }

    public bool Includes(string field) => All || Fields.Contains(field);
}
