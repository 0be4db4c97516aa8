using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Emulator.Events;

/// <summary>The portal's event handlers (b_rest_event): online and offline bindings of every app.</summary>
public sealed class EventBindings(EmulatedPortal portal)
{
    public EmulatedPortal Portal { get; } = portal;
}
