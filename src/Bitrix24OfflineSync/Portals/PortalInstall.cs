namespace Bitrix24OfflineSync.Portals;

/// <summary>A verified install: everything the registry stores, with the tokens still in plaintext (encrypted on write).</summary>
internal sealed record PortalInstall(
    string MemberId,
    string Domain,
    Uri ClientEndpoint,
    string AccessToken,
    string RefreshToken,
    DateTimeOffset AccessExpiresAt,
    byte[] ApplicationTokenHash,
    string Scope,
    DateTimeOffset InstalledAt)
{
    // Tokens stay out of any string a log or exception could carry.
    public override string ToString() => $"PortalInstall {{ MemberId = {MemberId}, Domain = {Domain} }}";
}
