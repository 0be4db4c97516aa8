using System.Net;
using System.Net.Sockets;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>
/// Which URLs the service may send a token to: https to a public host, unless insecure endpoints are allowed
/// (the emulator, development). Here hosts are judged by their literal form; the address a name resolves to is
/// judged again when a connection is made (<see cref="Http.AddressGuard"/>), by <see cref="AddressProblem"/>.
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

        return IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var ip) && AddressProblem(ip) is { } problem ? $"is {problem}" : null;
    }

    /// <summary>
    /// Null for a public unicast address; otherwise what it is: loopback, private (10/8, 172.16/12, 192.168/16,
    /// fc00::/7, fec0::/10, and 100.64/10 shared by carriers), link-local (169.254/16 where cloud metadata answers,
    /// fe80::/10), unspecified (0/8, ::), multicast or reserved. IPv4 inside IPv6 (mapped, compatible, NAT64) is judged
    /// as the IPv4 address it carries.
    /// </summary>
    public static string? AddressProblem(IPAddress ip)
    {
        if (ip.AddressFamily == AddressFamily.InterNetworkV6 && EmbeddedIPv4(ip) is { } inner)
        {
            ip = inner;
        }

        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b6 = ip.GetAddressBytes();
            return IPAddress.IsLoopback(ip) ? "a loopback address"
                : ip.Equals(IPAddress.IPv6Any) ? "an unspecified address"
                : ip.IsIPv6LinkLocal ? "a link-local address"
                : ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal ? "a private address"
                : ip.IsIPv6Multicast ? "a multicast address"
                : (b6[0] & 0xE0) != 0x20 ? "a reserved address" // Only 2000::/3 is global unicast.
                : null;
        }

        var b = ip.GetAddressBytes();
        return b[0] == 127 ? "a loopback address"
            : b[0] == 0 ? "an unspecified address"
            : b[0] == 169 && b[1] == 254 ? "a link-local address"
            : b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && b[1] is >= 64 and <= 127) ? "a private address"
            : b[0] >= 224 ? "a multicast or reserved address"
            : null;
    }

    /// <summary>The IPv4 address an IPv6 one carries: mapped (::ffff:0:0/96), compatible (::/96) or NAT64 (64:ff9b::/96).</summary>
    private static IPAddress? EmbeddedIPv4(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6)
        {
            return ip.MapToIPv4();
        }

        var b = ip.GetAddressBytes();
        var compatible = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && b.AsSpan(12).IndexOfAnyExcept((byte)0) >= 0 && !IPAddress.IsLoopback(ip);
        var nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0;
        return compatible || nat64 ? new IPAddress(b.AsSpan(12)) : null;
    }
}
