namespace Bitrix24OfflineSync.Portals;

/// <summary>
/// A portal as the registry knows it, without its tokens. <see cref="SignalSequence"/> counts doorbells that found
/// the portal clean; the drain worker consumes up to it, so the portal is dirty while the two differ.
/// </summary>
internal sealed record PortalRecord(
    string MemberId,
    string Domain,
    Uri ClientEndpoint,
    PortalStatus Status,
    byte[]? ApplicationTokenHash,
    string Scope,
    DateTimeOffset? AccessExpiresAt,
    long SignalSequence,
    long ConsumedSequence,
    DateTimeOffset InstalledAt,
    DateTimeOffset UpdatedAt)
{
    public bool IsDirty => SignalSequence > ConsumedSequence;
}
