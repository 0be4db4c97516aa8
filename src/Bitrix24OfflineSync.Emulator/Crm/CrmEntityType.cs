namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>The CRM entities the emulator serves through <c>crm.{deal|contact|company|lead}.*</c>.</summary>
public enum CrmEntityType
{
    Deal,
    Contact,
    Company,
    Lead,
}
