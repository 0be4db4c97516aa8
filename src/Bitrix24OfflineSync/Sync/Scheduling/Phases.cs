using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Bitrix24OfflineSync.Sync.Scheduling;

/// <summary>
/// A portal's fixed place in any period: a fraction its member id hashes to, the same in every process and on every
/// replica. Periodic work placed by it is spread evenly over a fleet, however the fleet's turns bunched.
/// </summary>
internal static class Phases
{
    /// <summary>The portal's place in <paramref name="period"/>, from zero up to (not including) the period.</summary>
    public static TimeSpan In(string memberId, TimeSpan period)
    {
        // The hash's top 53 bits make a fraction below one that a double holds exactly.
        var fraction = (BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(memberId))) >> 11) / (double)(1L << 53);
        return TimeSpan.FromTicks((long)(fraction * period.Ticks));
    }
}
