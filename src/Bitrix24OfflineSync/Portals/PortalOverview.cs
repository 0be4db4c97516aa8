namespace Bitrix24OfflineSync.Portals;

/// <summary>A portal as the <c>portals list</c> command shows it.</summary>
internal sealed record PortalOverview(
    string MemberId,
    string Domain,
    PortalStatus Status,
    bool? OfflineExtended,
    DateTimeOffset? LastDrainAt,
    int LastBacklog,
    long SyncedObjects);
