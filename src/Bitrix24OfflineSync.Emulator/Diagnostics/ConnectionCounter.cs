using System.Collections.Concurrent;
using Bitrix24OfflineSync.Emulator.Portals;
using Microsoft.AspNetCore.Connections.Features;

namespace Bitrix24OfflineSync.Emulator.Diagnostics;

/// <summary>
/// Counts the TCP connections (handshakes) the emulator accepts: all of them at Kestrel's connection stage
/// (<see cref="BitrixWorld.ConnectionsAccepted"/>), and per portal the connections its REST requests came on
/// (<see cref="PortalStats.Connections"/>), so that a client reusing its connections shows few of them.
/// </summary>
internal static class ConnectionCounter
{
    private const string PortalsKey = "b24emu.portals";

    /// <summary>Counts every connection Kestrel accepts on the endpoints it listens on, for the world <paramref name="world"/> names once it exists.</summary>
    public static IWebHostBuilder CountConnections(this IWebHostBuilder builder, Func<BitrixWorld?> world) =>
        builder.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => connection =>
        {
            world()?.CountConnection();
            return next(connection);
        })));

    /// <summary>Counts the request's connection for the portal the first time the portal is seen on it.</summary>
    public static void Seen(HttpContext http, EmulatedPortal portal)
    {
        if (http.Features.Get<IConnectionItemsFeature>()?.Items is not { } items)
        {
            return;
        }

        // HTTP/2 streams of one connection run at once: the set is shared between them.
        ConcurrentDictionary<string, bool> portals;
        lock (items)
        {
            if (items.TryGetValue(PortalsKey, out var existing) && existing is ConcurrentDictionary<string, bool> known)
            {
                portals = known;
            }
            else
            {
                portals = new(StringComparer.OrdinalIgnoreCase);
                items[PortalsKey] = portals;
            }
        }

        if (portals.TryAdd(portal.Domain, true))
        {
            portal.Stats.CountConnection();
        }
    }
}
