using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Events;

/// <summary>At the end of a hit: writes raised events to the offline queue and delivers online events and doorbells.</summary>
internal sealed class EventPublisher(BitrixWorld world)
{
    public BitrixWorld World { get; } = world;

    public void FinishHit(HitContext hit)
    {
        if (hit.World != World)
        {
            throw new InvalidOperationException("The hit belongs to another world.");
        }
    }
}
