namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// The standard fields of smart-process items and invoices as <c>crm.item.fields</c> describes them
/// (crm-item-fields.md): camelCase codes, each with its <c>upperName</c>. A stage's list is the type's own:
/// <c>DYNAMIC_{entityTypeId}_STAGE_{categoryId}</c>, or <c>SMART_INVOICE_STAGE_{categoryId}</c> for invoices.
/// </summary>
internal static class ItemFieldSpecs
{
    private static readonly Dictionary<string, FieldSpec> Specs = new(StringComparer.Ordinal)
    {
        ["id"] = new("integer", "ID", "r"),
        ["xmlId"] = new("string", "External code"),
        ["title"] = new("string", "Name"),
        ["originatorId"] = new("string", "External source"),
        ["originId"] = new("string", "Item ID in data source"),
        ["createdBy"] = new("user", "Created by", "r"),
        ["updatedBy"] = new("user", "Updated by", "r"),
        ["movedBy"] = new("user", "Moved by", "r"),
        ["createdTime"] = new("datetime", "Created at", "r"),
        ["updatedTime"] = new("datetime", "Updated at", "r"),
        ["movedTime"] = new("datetime", "Moved at", "r"),
        ["categoryId"] = new("crm_category", "Pipeline"),
        ["opened"] = new("boolean", "Publicly available", "q"),
        ["stageId"] = new("crm_status", "Stage"),
        ["previousStageId"] = new("crm_status", "Previous stage", "r"),
        ["begindate"] = new("date", "Start date"),
        ["closedate"] = new("date", "End date"),
        ["companyId"] = new("crm_company", "Company"),
        ["contactId"] = new("crm_contact", "Contact"),
        ["opportunity"] = new("double", "Amount"),
        ["isManualOpportunity"] = new("boolean", "Amount calculation mode"),
        ["taxValue"] = new("double", "Tax amount"),
        ["currencyId"] = new("crm_currency", "Currency"),
        ["mycompanyId"] = new("crm_company", "Your company details"),
        ["sourceId"] = new("crm_status", "Source", StatusType: "SOURCE"),
        ["sourceDescription"] = new("text", "Additional source info"),
        ["webformId"] = new("integer", "Created by CRM form"),
        ["assignedById"] = new("user", "Assigned to"),
        ["lastActivityBy"] = new("user", "Last activity in timeline by", "r"),
        ["lastActivityTime"] = new("datetime", "Last activity", "r"),
        ["observers"] = new("user", "Observers", "m"),
        ["contactIds"] = new("crm_contact", "CONTACT_IDS", "m"),
        ["accountNumber"] = new("string", "Invoice #"),
        ["comments"] = new("text", "Comment"),
        ["isRecurring"] = new("boolean", "Recurring invoice"),
        ["locationId"] = new("location", "Location"),
        ["utmSource"] = new("string", "Ad system", "r"),
        ["utmMedium"] = new("string", "Traffic type", "r"),
        ["utmCampaign"] = new("string", "Ad campaign UTM", "r"),
        ["utmContent"] = new("string", "Campaign contents", "r"),
        ["utmTerm"] = new("string", "Campaign search term", "r"),
    };

    public static FieldSpec Of(string field) => Specs.GetValueOrDefault(field) ?? throw new KeyNotFoundException($"No description of item field {field}.");

    /// <summary>The stage list of a type's default pipeline, as a stage field's <c>statusType</c> names it.</summary>
    public static string StageList(SmartProcessType type) =>
        type.IsInvoice ? $"SMART_INVOICE_STAGE_{type.DefaultCategoryId}" : $"DYNAMIC_{type.EntityTypeId}_STAGE_{type.DefaultCategoryId}";
}
