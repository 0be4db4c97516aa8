using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Tasks;

/// <summary>The portal's tasks.</summary>
public sealed class TaskStore(EmulatedPortal portal)
{
    public EmulatedPortal Portal { get; } = portal;
}
