using System.Collections.Concurrent;

namespace Bitrix24OfflineSync.Emulator.Portals;

/// <summary>Faults switchable per portal while the emulator runs.</summary>
public sealed class PortalFaults
{
    private readonly ConcurrentDictionary<string, int> _dropNext = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Added to every request before it is handled: the portal's round trip. Set, it stands in for the cloud profile's
    /// round trip (a slow portal); the two are one wait, never added together.
    /// </summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Share of requests answered 500 before they run (nothing is committed).</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>Share of requests whose response is dropped after the server committed the change.</summary>
    public double DropResponseRate { get; set; }

    /// <summary>Drops the response of the next <paramref name="count"/> requests calling <paramref name="method"/> (also inside a batch), after they commit.</summary>
    public void DropNextResponses(string method, int count = 1) => _dropNext.AddOrUpdate(method, count, (_, n) => n + count);

    public void Clear()
    {
        Latency = TimeSpan.Zero;
        ServerErrorRate = 0;
        DropResponseRate = 0;
        _dropNext.Clear();
    }

    internal bool TakeTargetedDrop(IEnumerable<string> methods)
    {
        foreach (var method in methods)
        {
            while (_dropNext.TryGetValue(method, out var left) && left > 0)
            {
                if (_dropNext.TryUpdate(method, left - 1, left))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
