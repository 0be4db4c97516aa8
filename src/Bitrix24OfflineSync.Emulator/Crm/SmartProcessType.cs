using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// A smart-process type of a portal: <see cref="Id"/> is the type's own row (what <c>crm.type.get</c> takes),
/// <see cref="EntityTypeId"/> what <c>crm.item.*</c> and the events name. The new invoices are the built-in type
/// <see cref="InvoiceEntityTypeId"/>; custom types take 128–192 or an even number from 1030 up.
/// </summary>
public sealed record SmartProcessType(int Id, int EntityTypeId, string Title, int CreatedBy, DateTimeOffset CreatedTime, int DefaultCategoryId)
{
    public const int InvoiceEntityTypeId = 31;

    /// <summary>The settings the emulated items honour: stages, client, dates, amounts, source and observers.</summary>
    private static readonly (string Name, bool On)[] Settings =
    [
        ("isCategoriesEnabled", false), ("isStagesEnabled", true), ("isBeginCloseDatesEnabled", true),
        ("isClientEnabled", true), ("isUseInUserfieldEnabled", false), ("isLinkWithProductsEnabled", true),
        ("isMycompanyEnabled", false), ("isDocumentsEnabled", false), ("isSourceEnabled", true),
        ("isObserversEnabled", true), ("isRecyclebinEnabled", false), ("isAutomationEnabled", false),
        ("isBizProcEnabled", false), ("isSetOpenPermissions", true), ("isPaymentsEnabled", false),
        ("isCountersEnabled", false),
    ];

    public bool IsInvoice => EntityTypeId == InvoiceEntityTypeId;

    /// <summary>An <c>entityTypeId</c> a custom type may take (<c>crm.type.add</c>'s rule).</summary>
    public static bool IsCustomEntityTypeId(int entityTypeId) =>
        entityTypeId is >= 128 and <= 192 || (entityTypeId >= 1030 && entityTypeId % 2 == 0);

    /// <summary>The stage an item starts in: <c>DT1030_7:NEW</c>, or <c>DT31_1:N</c> for invoices.</summary>
    public string DefaultStageId => $"DT{EntityTypeId}_{DefaultCategoryId}:{(IsInvoice ? "N" : "NEW")}";

    /// <summary>The type as <c>crm.type.list</c> shows it, with the times in the portal's zone.</summary>
    internal JsonObject Describe(Func<DateTimeOffset, string> formatTime)
    {
        var type = new JsonObject
        {
            ["id"] = Id,
            ["title"] = Title,
            ["code"] = "",
            ["createdBy"] = CreatedBy,
            ["entityTypeId"] = EntityTypeId,
            ["customSectionId"] = null,
        };
        foreach (var (name, on) in Settings)
        {
            type[name] = on ? "Y" : "N";
        }

        type["createdTime"] = formatTime(CreatedTime);
        type["updatedTime"] = formatTime(CreatedTime);
        type["updatedBy"] = CreatedBy;
        return type;
    }
}
