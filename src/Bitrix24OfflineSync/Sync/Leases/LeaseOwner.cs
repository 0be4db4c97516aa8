using System.Globalization;
using System.Security.Cryptography;

namespace Bitrix24OfflineSync.Sync.Leases;

/// <summary>This process as a lease owner: host name, process id and a random part (a restarted process is a new owner).</summary>
internal sealed class LeaseOwner
{
    public string Id { get; } = string.Create(
        CultureInfo.InvariantCulture,
        $"{Environment.MachineName}/{Environment.ProcessId}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
}
