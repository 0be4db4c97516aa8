namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// The standard fields of deals, contacts, companies, leads and activities as <c>crm.{entity}.fields</c> describe them
/// (crm-deal-fields.md, main-entities-fields.md, crm-activity-fields.md): one description per field the emulated
/// objects carry.
/// </summary>
internal static class CrmFieldSpecs
{
    private static readonly Dictionary<string, FieldSpec> Common = new(StringComparer.Ordinal)
    {
        ["ID"] = new("integer", "ID", "r"),
        ["ASSIGNED_BY_ID"] = new("user", "Responsible person"),
        ["CREATED_BY_ID"] = new("user", "Created by", "r"),
        ["MODIFY_BY_ID"] = new("user", "Modified by", "r"),
        ["DATE_CREATE"] = new("datetime", "Created on", "r"),
        ["DATE_MODIFY"] = new("datetime", "Modified on", "r"),
        ["ORIGINATOR_ID"] = new("string", "External source"),
        ["ORIGIN_ID"] = new("string", "Item ID in data source"),
        ["OPENED"] = new("char", "Available to everyone"),
        ["COMMENTS"] = new("string", "Comment"),
        ["CURRENCY_ID"] = new("crm_currency", "Currency"),
        ["HAS_PHONE"] = new("char", "Has phone", "r"),
        ["HAS_EMAIL"] = new("char", "Has e-mail", "r"),
        ["HAS_IMOL"] = new("char", "Has Open Channel", "r"),
        ["SOURCE_ID"] = new("crm_status", "Source", StatusType: "SOURCE"),
        ["SOURCE_DESCRIPTION"] = new("string", "Source information"),
        ["HONORIFIC"] = new("crm_status", "Salutation", StatusType: "HONORIFIC"),
        ["NAME"] = new("string", "First name"),
        ["SECOND_NAME"] = new("string", "Second name"),
        ["LAST_NAME"] = new("string", "Last name"),
        ["BIRTHDATE"] = new("date", "Date of birth"),
        ["POST"] = new("string", "Position"),
        ["LEAD_ID"] = new("crm_lead", "Lead", "r"),
        ["COMPANY_ID"] = new("crm_company", "Company"),
        ["CONTACT_ID"] = new("crm_contact", "Contact"),
        ["OPPORTUNITY"] = new("double", "Amount"),
        ["IS_MANUAL_OPPORTUNITY"] = new("char", "Amount entered manually"),
        ["IS_RETURN_CUSTOMER"] = new("char", "Repeat"),
        ["PHONE"] = new("crm_multifield", "Phone", "m"),
        ["EMAIL"] = new("crm_multifield", "E-mail", "m"),
        ["WEB"] = new("crm_multifield", "Website", "m"),
        ["IM"] = new("crm_multifield", "Messenger", "m"),
    };

    private static readonly Dictionary<CrmEntityType, Dictionary<string, FieldSpec>> Own = new()
    {
        [CrmEntityType.Deal] = new(StringComparer.Ordinal)
        {
            ["TITLE"] = new("string", "Name"),
            ["TYPE_ID"] = new("crm_status", "Type", StatusType: "DEAL_TYPE"),
            ["CATEGORY_ID"] = new("crm_category", "Pipeline", "i"),
            ["STAGE_ID"] = new("crm_status", "Stage", StatusType: "DEAL_STAGE"),
            ["STAGE_SEMANTIC_ID"] = new("string", "Stage group", "r"),
            ["IS_NEW"] = new("char", "New deal", "r"),
            ["IS_RECURRING"] = new("char", "Recurring deal"),
            ["IS_RETURN_CUSTOMER"] = new("char", "Repeat deal"),
            ["IS_REPEATED_APPROACH"] = new("char", "Repeat inquiry"),
            ["PROBABILITY"] = new("integer", "Probability"),
            ["TAX_VALUE"] = new("double", "Tax"),
            ["QUOTE_ID"] = new("crm_quote", "Estimate", "r"),
            ["BEGINDATE"] = new("date", "Start date"),
            ["CLOSEDATE"] = new("date", "End date"),
            ["CLOSED"] = new("char", "Closed"),
            ["ADDITIONAL_INFO"] = new("string", "Additional information"),
        },
        [CrmEntityType.Contact] = new(StringComparer.Ordinal)
        {
            ["PHOTO"] = new("file", "Photo"),
            ["TYPE_ID"] = new("crm_status", "Contact type", StatusType: "CONTACT_TYPE"),
            ["EXPORT"] = new("char", "Included in export"),
        },
        [CrmEntityType.Company] = new(StringComparer.Ordinal)
        {
            ["TITLE"] = new("string", "Company name", "q"),
            ["COMPANY_TYPE"] = new("crm_status", "Company type", StatusType: "COMPANY_TYPE"),
            ["LOGO"] = new("file", "Logo"),
            ["INDUSTRY"] = new("crm_status", "Industry", StatusType: "INDUSTRY"),
            ["EMPLOYEES"] = new("crm_status", "Employees", StatusType: "EMPLOYEES"),
            ["REVENUE"] = new("double", "Annual revenue"),
            ["IS_MY_COMPANY"] = new("char", "My company"),
        },
        [CrmEntityType.Lead] = new(StringComparer.Ordinal)
        {
            ["TITLE"] = new("string", "Lead name"),
            ["COMPANY_TITLE"] = new("string", "Company name"),
            ["IS_RETURN_CUSTOMER"] = new("char", "Repeat lead", "r"),
            ["STATUS_ID"] = new("crm_status", "Status", StatusType: "STATUS"),
            ["STATUS_DESCRIPTION"] = new("string", "More about this status"),
            ["STATUS_SEMANTIC_ID"] = new("string", "Status details", "r"),
            ["DATE_CLOSED"] = new("datetime", "Completion date", "r"),
        },
    };

    private static readonly Dictionary<string, FieldSpec> Activity = new(StringComparer.Ordinal)
    {
        ["ID"] = new("integer", "ID", "r"),
        ["OWNER_ID"] = new("integer", "Owner ID", "q"),
        ["OWNER_TYPE_ID"] = new("integer", "Owner type ID", "qi"),
        ["TYPE_ID"] = new("crm_enum_activitytype", "Type", "qi"),
        ["PROVIDER_ID"] = new("string", "Provider ID", "r"),
        ["PROVIDER_TYPE_ID"] = new("string", "Provider type"),
        ["PROVIDER_GROUP_ID"] = new("string", "Connector type"),
        ["ASSOCIATED_ENTITY_ID"] = new("integer", "ID of the entity associated with the activity", "r"),
        ["SUBJECT"] = new("string", "Subject", "q"),
        ["CREATED"] = new("datetime", "Creation date", "r"),
        ["LAST_UPDATED"] = new("datetime", "Last updated", "r"),
        ["START_TIME"] = new("datetime", "Start"),
        ["END_TIME"] = new("datetime", "Deadline"),
        ["DEADLINE"] = new("datetime", "Due date"),
        ["COMPLETED"] = new("char", "Completed"),
        ["STATUS"] = new("crm_enum_activitystatus", "Status"),
        ["RESPONSIBLE_ID"] = new("user", "Responsible", "q"),
        ["PRIORITY"] = new("crm_enum_activitypriority", "Priority"),
        ["NOTIFY_TYPE"] = new("crm_enum_activitynotifytype", "Notification type"),
        ["NOTIFY_VALUE"] = new("integer", "Notification parameter"),
        ["DESCRIPTION"] = new("string", "Description"),
        ["DESCRIPTION_TYPE"] = new("crm_enum_contenttype", "Description type"),
        ["DIRECTION"] = new("crm_enum_activitydirection", "Direction"),
        ["LOCATION"] = new("string", "Location"),
        ["SETTINGS"] = new("object", "Settings"),
        ["ORIGINATOR_ID"] = new("string", "External source"),
        ["ORIGIN_ID"] = new("string", "External code"),
        ["AUTHOR_ID"] = new("user", "Created by", "r"),
        ["EDITOR_ID"] = new("user", "Edited by", "r"),
        ["PROVIDER_PARAMS"] = new("object", "Provider parameters"),
        ["PROVIDER_DATA"] = new("string", "Provider data"),
        ["RESULT_MARK"] = new("integer", "RESULT_MARK"),
        ["RESULT_VALUE"] = new("double", "RESULT_VALUE"),
        ["RESULT_SUM"] = new("double", "RESULT_SUM"),
        ["RESULT_CURRENCY_ID"] = new("string", "RESULT_CURRENCY_ID"),
        ["RESULT_STATUS"] = new("integer", "RESULT_STATUS"),
        ["RESULT_STREAM"] = new("integer", "RESULT_STREAM"),
        ["RESULT_SOURCE_ID"] = new("string", "RESULT_SOURCE_ID"),
        ["AUTOCOMPLETE_RULE"] = new("integer", "Autocomplete"),
        [ActivityFields.Communications] = new("crm_activity_communication", "Communication channel", "qm"),
    };

    /// <summary>The description of a standard field of a deal, contact, company or lead (multi-fields included).</summary>
    public static FieldSpec Of(CrmEntityType type, string field) =>
        Own[type].GetValueOrDefault(field) ?? Common.GetValueOrDefault(field) ?? throw new KeyNotFoundException($"No description of {type} field {field}.");

    /// <summary>An activity's fields in answer order: the standard ones, then <c>COMMUNICATIONS</c>.</summary>
    public static IEnumerable<(string Code, FieldSpec Spec)> ActivityFieldsInOrder() =>
        ActivityFields.Standard.Append(ActivityFields.Communications).Select(f => (f, Activity[f]));
}
