namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>When a portal's occasional passes are next due: the orphan scan (due at once after a start) and the error rows.</summary>
internal sealed class PortalSchedule
{
    public DateTimeOffset OrphanScanDue { get; set; } = DateTimeOffset.MinValue;

    public DateTimeOffset ErrorPassDue { get; set; } = DateTimeOffset.MinValue;

    public TimeSpan ErrorPassDelay { get; set; }
}
