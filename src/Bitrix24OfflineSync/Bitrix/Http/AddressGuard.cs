using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Bitrix.Http;

/// <summary>
/// How the OAuth and REST clients connect: the host is resolved here (<see cref="IHostResolver"/>) and, unless
/// insecure endpoints are allowed, the connection is refused when any address it resolves to is not public
/// (<see cref="EndpointPolicy.AddressProblem"/>): a portal named by a host that points at the service's own network,
/// at loopback or at the cloud's metadata address is never reached, whatever the name looked like when it was stored.
/// The check is made at connect time, on the addresses connected to, so a name that changes its answer later is
/// judged by the answer it gives then.
/// </summary>
internal static class AddressGuard
{
    /// <summary>For <c>ConfigurePrimaryHttpMessageHandler</c>: gives the client's <see cref="SocketsHttpHandler"/> this connect step.</summary>
    public static void Configure(HttpMessageHandler handler, IServiceProvider services)
    {
        var sockets = (SocketsHttpHandler)handler;
        var resolver = services.GetRequiredService<IHostResolver>();
        var allowInsecure = services.GetRequiredService<IOptions<Bitrix24Options>>().Value.AllowInsecureEndpoints;
        sockets.ConnectCallback = (context, cancellationToken) => ConnectAsync(resolver, allowInsecure, context.DnsEndPoint, cancellationToken);
    }

    private static async ValueTask<Stream> ConnectAsync(IHostResolver resolver, bool allowInsecure, DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await resolver.ResolveAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        if (!allowInsecure)
        {
            foreach (var address in addresses)
            {
                if (EndpointPolicy.AddressProblem(address) is { } problem)
                {
                    throw new AddressRefusedException($"host {endpoint.Host} resolves to {address}, {problem}");
                }
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
