using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// A standard field as the field lists describe it (<c>crm_rest_field_description</c>): its type, title, flags
/// (<c>r</c> read-only, <c>m</c> multiple, <c>q</c> required, <c>i</c> immutable) and, for a <c>crm_status</c> field,
/// the status list its values come from.
/// </summary>
internal sealed record FieldSpec(string Type, string Title, string Flags = "", string? StatusType = null)
{
    public bool ReadOnly => Flags.Contains('r', StringComparison.Ordinal);

    public bool Multiple => Flags.Contains('m', StringComparison.Ordinal);

    public bool Required => Flags.Contains('q', StringComparison.Ordinal);

    public bool Immutable => Flags.Contains('i', StringComparison.Ordinal);

    /// <summary>The description as <c>crm.deal.fields</c> and <c>crm.item.fields</c> answer it; the universal API adds <paramref name="upperName"/>.</summary>
    public JsonObject Describe(string? statusType = null, string? upperName = null)
    {
        var description = new JsonObject
        {
            ["type"] = Type,
            ["isRequired"] = Required,
            ["isReadOnly"] = ReadOnly,
            ["isImmutable"] = Immutable,
            ["isMultiple"] = Multiple,
            ["isDynamic"] = false,
        };
        if ((statusType ?? StatusType) is { } list)
        {
            description["statusType"] = list;
        }

        description["title"] = Title;
        if (upperName is not null)
        {
            description["upperName"] = upperName;
        }

        return description;
    }
}
