namespace Bitrix24OfflineSync.Sinks.Database.Views;

/// <summary>What a view column holds, from the field list's type: the SQL type and how the state's value is read.</summary>
internal enum ColumnKind
{
    Text,
    Integer,
    Numeric,

    /// <summary>A money user field: <c>"150.50|USD"</c>, read as its amount.</summary>
    Money,
    Date,
    Timestamp,

    /// <summary><c>Y</c>/<c>N</c>, <c>1</c>/<c>0</c>, <c>true</c>/<c>false</c>.</summary>
    Boolean,

    /// <summary>Multiple values, multi-fields (<c>PHONE</c>, <c>EMAIL</c>…), files and other objects: the JSON as it is.</summary>
    Json,
}

internal static class ColumnKinds
{
    // Fields whose values are object ids (users, CRM objects, pipelines): whole numbers.
    private static readonly HashSet<string> Integers = new(
        ["integer", "user", "employee", "crm_lead", "crm_deal", "crm_contact", "crm_company", "crm_quote", "crm_entity", "crm_category", "iblock_element", "iblock_section"],
        StringComparer.OrdinalIgnoreCase);

    // Fields whose values are objects or lists even when single.
    private static readonly HashSet<string> Objects = new(
        ["crm_multifield", "file", "diskfile", "disk_file", "array", "object", "crm_activity_communication", "crm_activity_binding", "resourcebooking"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>The kind of a field of <paramref name="type"/>: lists, statuses and anything unknown keep their code as text.</summary>
    public static ColumnKind Of(string type, bool multiple) => type.ToLowerInvariant() switch
    {
        _ when multiple || Objects.Contains(type) => ColumnKind.Json,
        _ when Integers.Contains(type) => ColumnKind.Integer,
        "double" => ColumnKind.Numeric,
        "money" => ColumnKind.Money,
        "date" => ColumnKind.Date,
        "datetime" => ColumnKind.Timestamp,
        "boolean" or "char" => ColumnKind.Boolean,
        _ => ColumnKind.Text,
    };

    /// <summary>The column's type as a provider-neutral name, for <c>b24_fields</c> and the docs.</summary>
    public static string SqlName(this ColumnKind kind) => kind switch
    {
        ColumnKind.Integer => "integer",
        ColumnKind.Numeric or ColumnKind.Money => "numeric",
        ColumnKind.Date => "date",
        ColumnKind.Timestamp => "timestamptz",
        ColumnKind.Boolean => "boolean",
        ColumnKind.Json => "json",
        _ => "text",
    };

    /// <summary>One kind for a field the portals type differently: the same if they agree, JSON if any is, else text.</summary>
    public static ColumnKind Merge(IEnumerable<ColumnKind> kinds)
    {
        var distinct = kinds.Distinct().ToList();
        return distinct.Count == 1 ? distinct[0] : distinct.Contains(ColumnKind.Json) ? ColumnKind.Json : ColumnKind.Text;
    }
}
