namespace Bitrix24OfflineSync.Portals;

/// <summary>
/// A portal as the <c>portals list</c> command shows it. <see cref="DrainWrites"/> is a running total: every object
/// each drain has committed to the sink, an object changed ten times counting ten.
/// </summary>
internal sealed record PortalOverview(
    string MemberId,
    string Domain,
    PortalStatus Status,
    bool? OfflineExtended,
    DateTimeOffset? LastDrainAt,
    int LastBacklog,
    long DrainWrites);
