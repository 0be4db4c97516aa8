using System.Globalization;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// What a new smart-process item or invoice holds before the caller's fields: the creator as author and responsible,
/// the type's first stage, dates from today to a week on (crm-item-add.md), amounts of 0 in USD, open to everyone.
/// </summary>
internal static class DynamicItemDefaults
{
    public static JsonObject NewRow(
        SmartProcessType type, IReadOnlyList<ItemField> fields, long id, int userId, string stamp, Func<DateTimeOffset, string> formatTime)
    {
        var row = new JsonObject();
        foreach (var field in fields)
        {
            row[field.Name] = field.Kind == ItemFieldKind.IntegerList ? new JsonArray() : null;
        }

        var today = DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture);
        var midnight = new DateTimeOffset(today.Date, today.Offset);
        row["id"] = id;
        foreach (var field in (string[])["createdBy", "updatedBy", "movedBy", "assignedById", "lastActivityBy"])
        {
            row[field] = userId;
        }

        foreach (var field in (string[])["createdTime", "updatedTime", "movedTime", "lastActivityTime"])
        {
            row[field] = stamp;
        }

        row["categoryId"] = type.DefaultCategoryId;
        row["opened"] = "Y";
        row["stageId"] = type.DefaultStageId;
        row["begindate"] = formatTime(midnight);
        row["closedate"] = formatTime(midnight.AddDays(7));
        row["companyId"] = 0;
        row["contactId"] = 0;
        row["opportunity"] = 0;
        row["isManualOpportunity"] = "N";
        row["taxValue"] = 0;
        row["currencyId"] = "USD";
        if (type.IsInvoice)
        {
            row["isRecurring"] = "N";
        }

        return row;
    }

    /// <summary>Fields the server fills whenever they are left empty: the title, the responsible and the invoice number.</summary>
    public static void FillBlanks(SmartProcessType type, JsonObject row, long id, int userId)
    {
        var number = id.ToString(CultureInfo.InvariantCulture);
        if (string.IsNullOrEmpty(FieldValues.Text(row["title"])))
        {
            row["title"] = $"{(type.IsInvoice ? "Invoice" : type.Title)} #{number}";
        }

        row["assignedById"] ??= userId;
        if (type.IsInvoice && string.IsNullOrEmpty(FieldValues.Text(row["accountNumber"])))
        {
            row["accountNumber"] = number;
        }
    }
}
