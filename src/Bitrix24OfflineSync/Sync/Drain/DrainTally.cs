namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>What one turn of a portal's drain did.</summary>
internal sealed class DrainTally
{
    public int Events { get; set; }

    public int Objects { get; set; }

    public int Rounds { get; set; }

    public bool MoreWork { get; set; }

    /// <summary>Reservations were left for a later attempt (failed items, a failed round): the portal needs a turn when they are due.</summary>
    public bool RetryPending { get; set; }
}
