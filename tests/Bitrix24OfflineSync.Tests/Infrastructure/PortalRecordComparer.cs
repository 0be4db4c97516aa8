using Bitrix24OfflineSync.Portals;

namespace Bitrix24OfflineSync.Tests.Infrastructure;

/// <summary>Compares portal records by value, the token hash by its bytes.</summary>
internal sealed class PortalRecordComparer : IEqualityComparer<PortalRecord?>
{
    public static readonly PortalRecordComparer Instance = new();

    public bool Equals(PortalRecord? x, PortalRecord? y) =>
        x is null || y is null
            ? x is null && y is null
            : x with { ApplicationTokenHash = null } == y with { ApplicationTokenHash = null } &&
              (x.ApplicationTokenHash ?? []).AsSpan().SequenceEqual(y.ApplicationTokenHash ?? []);

    public int GetHashCode(PortalRecord? obj) => obj?.MemberId.GetHashCode(StringComparison.Ordinal) ?? 0;
}
