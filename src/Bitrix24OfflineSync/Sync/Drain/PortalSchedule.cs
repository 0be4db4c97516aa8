namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// When a portal's occasional passes are next due: the orphan scan (at once only when the journal says a reservation's
/// answer may have been lost, otherwise on its interval) and the pass over the error rows (soon after rows were marked,
/// otherwise on its interval, backing off while it finds nothing or keeps finding the same rows).
/// </summary>
internal sealed class PortalSchedule
{
    public DateTimeOffset OrphanScanDue { get; set; }

    public DateTimeOffset ErrorPassDue { get; set; }

    public TimeSpan ErrorPassDelay { get; set; }

    /// <summary>The gets of the next turn's first reservation: one, or the size a turn that left a backlog had reached.</summary>
    public int FirstGets { get; set; } = 1;
}
