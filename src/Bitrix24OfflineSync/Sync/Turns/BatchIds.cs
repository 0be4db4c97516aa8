using System.Security.Cryptography;
using System.Text;

namespace Bitrix24OfflineSync.Sync.Turns;

/// <summary>Batch ids derived from what a batch holds, so a retried batch has the id the sink already saw, across restarts too.</summary>
internal static class BatchIds
{
    public static string For(string prefix, IEnumerable<string> parts) =>
        prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', parts.Order(StringComparer.Ordinal)))))[..32];
}
