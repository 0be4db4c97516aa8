namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>
/// A user field an admin defines for a CRM entity: its name (<c>UF_CRM_…</c>), type (<c>string</c>, <c>integer</c>,
/// <c>double</c>, <c>money</c>, <c>boolean</c>, <c>date</c>, <c>datetime</c>, <c>enumeration</c>, <c>url</c>,
/// <c>file</c>, …), its label (what the field lists answer as <c>listLabel</c>, <c>formLabel</c> and
/// <c>filterLabel</c>), whether it holds several values, a list's items, and whether it is required.
/// </summary>
public sealed record UserFieldDefinition(
    string FieldName,
    string UserTypeId = "string",
    string? Label = null,
    bool Multiple = false,
    IReadOnlyList<string>? Items = null,
    bool Mandatory = false);

/// <summary>An item of a list user field: the id an object's value holds, and the text the portal shows for it.</summary>
public sealed record UserFieldItem(string Id, string Value);
