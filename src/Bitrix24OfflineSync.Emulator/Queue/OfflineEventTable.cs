using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Queue;

/// <summary>The portal's offline event table (b_rest_event_offline).</summary>
public sealed class OfflineEventTable(EmulatedPortal portal)
{
    public EmulatedPortal Portal { get; } = portal;
}
