using Bitrix24OfflineSync.Sync.Leases;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>What one turn of a portal's drain did, and the lease it holds (every commit and clear is fenced by it).</summary>
internal sealed class DrainTally
{
    /// <summary>Null for a turn not scheduled by the worker: such a turn is not fenced.</summary>
    public DrainLease? Lease { get; init; }

    public int Events { get; set; }

    public int Objects { get; set; }

    public int Rounds { get; set; }

    public bool MoreWork { get; set; }

    /// <summary>An operator asked for dead letters of the portal to be replayed: the error rows get their pass now, then the rest (<see cref="DeadLetterReplays"/>).</summary>
    public bool ReplayRequested { get; init; }

    /// <summary>Rows were marked with <c>event.offline.error</c>: the error rows are worth a pass soon.</summary>
    public bool MarkedErrorRows { get; set; }

    /// <summary>Reservations were left for a later attempt (failed items, a failed round): the portal needs a turn when they are due.</summary>
    public bool RetryPending { get; set; }

    /// <summary>When the portal's next drift check falls due, as the passes found it (null: none planned or unknown).</summary>
    public DateTimeOffset? NextCheckAt { get; set; }

    /// <summary>
    /// A method the drain needs is paused for its operating time until then: the turn ends, and the portal's next turn
    /// is due at that time (its postponed reservations are due then too).
    /// </summary>
    public DateTimeOffset? PausedUntil { get; private set; }

    public void Pause(DateTimeOffset until)
    {
        if (PausedUntil is null || until > PausedUntil)
        {
            PausedUntil = until;
        }
    }
}
