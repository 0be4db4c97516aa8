using System.Net;
using System.Net.Sockets;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>
/// Which URLs the service may send a token to: https to a public host, unless insecure endpoints are allowed
/// (the emulator, development). Hosts are judged by their literal form; names are not resolved here.
/// </summary>
internal static class EndpointPolicy
{
    /// <summary>Null when <paramref name="url"/> is acceptable, else why not.</summary>
    public static string? Check(Uri url, bool allowInsecure)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("https" or "http"))
        {
            return "is not an http(s) URL";
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            return "carries credentials";
        }

        if (allowInsecure)
        {
            return null;
        }

        if (url.Scheme != "https")
        {
            return "is not https";
        }

        if (url.IsLoopback || url.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return "is a loopback address";
        }

        return IPAddress.TryParse(url.IdnHost, out var ip) && IsPrivate(ip) ? "is a private address" : null;
    }

    private static bool IsPrivate(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal || IPAddress.IsLoopback(ip);
        }

        var b = ip.GetAddressBytes();
        return b[0] is 10 or 127 or 0 ||
            (b[0] == 172 && b[1] is >= 16 and <= 31) ||
            (b[0] == 192 && b[1] == 168) ||
            (b[0] == 169 && b[1] == 254) ||
            (b[0] == 100 && b[1] is >= 64 and <= 127);
    }
}
