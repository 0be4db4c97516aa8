namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>How a field's value is kept and answered: the universal API answers typed JSON, not strings.</summary>
internal enum ItemFieldKind
{
    Text,
    Integer,
    Number,
    Flag,
    DateTime,
    IntegerList,
}

/// <summary>A standard field of a smart-process item: its camelCase name, kind, and whether a caller may write it.</summary>
internal sealed record ItemField(string Name, ItemFieldKind Kind, bool Writable = true, bool AddOnly = false);

/// <summary>
/// The standard fields of smart-process items and invoices, in answer order (object-fields.md, "Smart Process" and
/// "Invoice"). <c>entityTypeId</c> is not a field: answers add it when <c>select</c> is empty or <c>*</c>.
/// </summary>
internal static class DynamicItemFields
{
    public const string Id = "id";
    public const string EntityTypeId = "entityTypeId";

    private static readonly ItemField[] Head =
    [
        new(Id, ItemFieldKind.Integer, Writable: false), new("xmlId", ItemFieldKind.Text), new("title", ItemFieldKind.Text),
        new("originatorId", ItemFieldKind.Text), new("originId", ItemFieldKind.Text),
        new("createdBy", ItemFieldKind.Integer, Writable: false), new("updatedBy", ItemFieldKind.Integer, Writable: false),
        new("movedBy", ItemFieldKind.Integer, Writable: false), new("createdTime", ItemFieldKind.DateTime, Writable: false),
        new("updatedTime", ItemFieldKind.DateTime, Writable: false), new("movedTime", ItemFieldKind.DateTime, Writable: false),
        new("categoryId", ItemFieldKind.Integer), new("opened", ItemFieldKind.Flag), new("stageId", ItemFieldKind.Text),
        new("previousStageId", ItemFieldKind.Text, Writable: false), new("begindate", ItemFieldKind.DateTime),
        new("closedate", ItemFieldKind.DateTime), new("companyId", ItemFieldKind.Integer), new("contactId", ItemFieldKind.Integer),
        new("opportunity", ItemFieldKind.Number), new("isManualOpportunity", ItemFieldKind.Flag), new("taxValue", ItemFieldKind.Number),
        new("currencyId", ItemFieldKind.Text), new("mycompanyId", ItemFieldKind.Integer), new("sourceId", ItemFieldKind.Text),
        new("sourceDescription", ItemFieldKind.Text), new("webformId", ItemFieldKind.Integer, AddOnly: true),
        new("assignedById", ItemFieldKind.Integer), new("lastActivityBy", ItemFieldKind.Integer),
        new("lastActivityTime", ItemFieldKind.DateTime), new("observers", ItemFieldKind.IntegerList),
        new("contactIds", ItemFieldKind.IntegerList),
    ];

    private static readonly ItemField[] InvoiceOnly =
    [
        new("accountNumber", ItemFieldKind.Text), new("comments", ItemFieldKind.Text), new("isRecurring", ItemFieldKind.Flag),
        new("locationId", ItemFieldKind.Text),
    ];

    // For smart processes and invoices the UTM fields are answered but never written.
    private static readonly ItemField[] Tail =
    [
        new("utmSource", ItemFieldKind.Text, Writable: false), new("utmMedium", ItemFieldKind.Text, Writable: false),
        new("utmCampaign", ItemFieldKind.Text, Writable: false), new("utmContent", ItemFieldKind.Text, Writable: false),
        new("utmTerm", ItemFieldKind.Text, Writable: false),
    ];

    public static IReadOnlyList<ItemField> SmartProcess { get; } = [.. Head, .. Tail];

    public static IReadOnlyList<ItemField> Invoice { get; } = [.. Head, .. InvoiceOnly, .. Tail];

    public static IReadOnlyList<ItemField> Of(SmartProcessType type) => type.IsInvoice ? Invoice : SmartProcess;
}
