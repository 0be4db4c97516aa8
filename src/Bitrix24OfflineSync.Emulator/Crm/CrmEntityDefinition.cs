namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// What one CRM entity looks like on the server: its standard fields in output order, the defaults an add fills
/// in, the fields only the server writes, and whether it carries multi-fields (PHONE, EMAIL, WEB, IM).
/// </summary>
internal sealed class CrmEntityDefinition
{
    public static readonly IReadOnlyList<string> MultiFields = ["PHONE", "EMAIL", "WEB", "IM"];

    private static readonly string[] Audit = ["ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID", "DATE_CREATE", "DATE_MODIFY"];
    private static readonly string[] Communications = ["HAS_PHONE", "HAS_EMAIL", "HAS_IMOL"];
    private static readonly string[] Origin = ["ORIGINATOR_ID", "ORIGIN_ID"];

    private static readonly CrmEntityDefinition Deal = new(
        CrmEntityType.Deal, "deal", "Deal", hasMultiFields: false,
        ["ID", "TITLE", "TYPE_ID", "CATEGORY_ID", "STAGE_ID", "STAGE_SEMANTIC_ID", "IS_NEW", "IS_RECURRING",
            "IS_RETURN_CUSTOMER", "IS_REPEATED_APPROACH", "PROBABILITY", "CURRENCY_ID", "OPPORTUNITY",
            "IS_MANUAL_OPPORTUNITY", "TAX_VALUE", "COMPANY_ID", "CONTACT_ID", "QUOTE_ID", "BEGINDATE", "CLOSEDATE",
            "OPENED", "CLOSED", "COMMENTS", .. Audit, "SOURCE_ID", "SOURCE_DESCRIPTION", "LEAD_ID", "ADDITIONAL_INFO", .. Origin],
        new Dictionary<string, string>
        {
            ["TYPE_ID"] = "SALE", ["CATEGORY_ID"] = "0", ["STAGE_ID"] = "NEW", ["STAGE_SEMANTIC_ID"] = "P", ["IS_NEW"] = "Y",
            ["IS_RECURRING"] = "N", ["IS_RETURN_CUSTOMER"] = "N", ["IS_REPEATED_APPROACH"] = "N", ["CURRENCY_ID"] = "USD",
            ["OPPORTUNITY"] = "0.00", ["IS_MANUAL_OPPORTUNITY"] = "N", ["TAX_VALUE"] = "0.00", ["OPENED"] = "Y", ["CLOSED"] = "N",
        },
        ["STAGE_SEMANTIC_ID", "IS_NEW"]);

    private static readonly CrmEntityDefinition Contact = new(
        CrmEntityType.Contact, "contact", "Contact", hasMultiFields: true,
        ["ID", "HONORIFIC", "NAME", "SECOND_NAME", "LAST_NAME", "PHOTO", "BIRTHDATE", "TYPE_ID", "SOURCE_ID",
            "SOURCE_DESCRIPTION", "POST", "COMMENTS", "OPENED", "EXPORT", .. Communications, .. Audit, "COMPANY_ID", "LEAD_ID", .. Origin],
        new Dictionary<string, string>
        {
            ["NAME"] = "", ["LAST_NAME"] = "", ["TYPE_ID"] = "CLIENT", ["SOURCE_ID"] = "SELF", ["OPENED"] = "Y", ["EXPORT"] = "Y",
        },
        []);

    private static readonly CrmEntityDefinition Company = new(
        CrmEntityType.Company, "company", "Company", hasMultiFields: true,
        ["ID", "TITLE", "COMPANY_TYPE", "LOGO", "INDUSTRY", "EMPLOYEES", "CURRENCY_ID", "REVENUE", "OPENED", "COMMENTS",
            .. Communications, "IS_MY_COMPANY", .. Audit, "CONTACT_ID", "LEAD_ID", .. Origin],
        new Dictionary<string, string>
        {
            ["COMPANY_TYPE"] = "CUSTOMER", ["INDUSTRY"] = "IT", ["EMPLOYEES"] = "EMPLOYEES_1", ["CURRENCY_ID"] = "USD",
            ["REVENUE"] = "0.00", ["OPENED"] = "Y", ["IS_MY_COMPANY"] = "N",
        },
        []);

    private static readonly CrmEntityDefinition Lead = new(
        CrmEntityType.Lead, "lead", "Lead", hasMultiFields: true,
        ["ID", "TITLE", "HONORIFIC", "NAME", "SECOND_NAME", "LAST_NAME", "COMPANY_TITLE", "COMPANY_ID", "CONTACT_ID",
            "IS_RETURN_CUSTOMER", "BIRTHDATE", "SOURCE_ID", "SOURCE_DESCRIPTION", "STATUS_ID", "STATUS_DESCRIPTION",
            "STATUS_SEMANTIC_ID", "POST", "COMMENTS", "CURRENCY_ID", "OPPORTUNITY", "IS_MANUAL_OPPORTUNITY",
            .. Communications, "OPENED", .. Audit, "DATE_CLOSED", .. Origin],
        new Dictionary<string, string>
        {
            ["NAME"] = "", ["IS_RETURN_CUSTOMER"] = "N", ["SOURCE_ID"] = "SELF", ["STATUS_ID"] = "NEW", ["STATUS_SEMANTIC_ID"] = "P",
            ["CURRENCY_ID"] = "USD", ["OPPORTUNITY"] = "0.00", ["IS_MANUAL_OPPORTUNITY"] = "N", ["OPENED"] = "Y",
        },
        ["STATUS_SEMANTIC_ID"]);

    private readonly HashSet<string> _standard;
    private readonly HashSet<string> _readOnly;

    private CrmEntityDefinition(
        CrmEntityType type, string name, string caption, bool hasMultiFields, string[] fields,
        Dictionary<string, string> defaults, string[] readOnly)
    {
        Type = type;
        Name = name;
        Caption = caption;
        HasMultiFields = hasMultiFields;
        StandardFields = fields;
        Defaults = defaults;
        _standard = new HashSet<string>(fields, StringComparer.Ordinal);
        _readOnly = new HashSet<string>([.. readOnly, "ID", "CREATED_BY_ID", "MODIFY_BY_ID", "DATE_CREATE", "DATE_MODIFY", .. Communications], StringComparer.Ordinal);
    }

    public static IReadOnlyList<CrmEntityDefinition> All { get; } = [Deal, Contact, Company, Lead];

    public CrmEntityType Type { get; }

    /// <summary>The name in method names: <c>crm.{Name}.add</c>.</summary>
    public string Name { get; }

    /// <summary>What an object is called when it has no title, as in "Deal #12".</summary>
    public string Caption { get; }

    public string EventPrefix => "ONCRM" + Name.ToUpperInvariant();

    public bool HasMultiFields { get; }

    public IReadOnlyList<string> StandardFields { get; }

    public IReadOnlyDictionary<string, string> Defaults { get; }

    public static CrmEntityDefinition Of(CrmEntityType type) => All[(int)type];

    public bool IsStandard(string field) => _standard.Contains(field);

    public bool IsMultiField(string field) => HasMultiFields && MultiFields.Contains(field);

    public static bool IsUserField(string field) => field.StartsWith("UF_", StringComparison.Ordinal);

    /// <summary>Fields a caller may not write: the server maintains them.</summary>
    public bool IsReadOnly(string field) => _readOnly.Contains(field);

    public static bool IsMoney(string field) => field is "OPPORTUNITY" or "TAX_VALUE" or "REVENUE";
}
