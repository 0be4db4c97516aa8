using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>The portal's CRM deals, contacts, companies and leads.</summary>
public sealed class CrmStore(EmulatedPortal portal)
{
    public EmulatedPortal Portal { get; } = portal;
}
