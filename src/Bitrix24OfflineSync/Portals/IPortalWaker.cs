namespace Bitrix24OfflineSync.Portals;

/// <summary>
/// Wakes the drain of a portal; the scheduler that decides when each portal's turn runs implements it (in Sync). A
/// wake-up only wakes: the durable dirty mark lives in the store.
/// </summary>
internal interface IPortalWaker
{
    /// <summary>The portal has news (a doorbell, an install): its turn goes in the urgent line, after its rest.</summary>
    void Wake(string memberId);

    /// <summary>
    /// Wakes the portal once more after <paramref name="delay"/> from now (later wake-ups of the same kind move it
    /// later): a doorbell asks for one, as changes inside its <c>minTimeout</c> ring no doorbell of their own.
    /// </summary>
    void WakeAgainAfter(string memberId, TimeSpan delay);
}
