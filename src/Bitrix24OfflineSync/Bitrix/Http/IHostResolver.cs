using System.Net;

namespace Bitrix24OfflineSync.Bitrix.Http;

/// <summary>Where a host name points: the system's resolver, replaceable so tests can point names anywhere.</summary>
internal interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system's resolver (DNS, the hosts file).</summary>
internal sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}
