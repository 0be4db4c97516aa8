namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>What one turn of a portal's drain did.</summary>
internal sealed class DrainTally
{
    public int Events { get; set; }

    public int Objects { get; set; }

    public int Rounds { get; set; }

    public bool MoreWork { get; set; }
}
