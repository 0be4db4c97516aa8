using System.Collections.Concurrent;

namespace Bitrix24OfflineSync.Bitrix.Http;

/// <summary>
/// Which portals have a circuit of their own. A portal gets one at its first fault (a 5xx, a timeout, a broken
/// connection) and keeps it; until then it shares a pipeline without a breaker with every other healthy portal. A
/// circuit costs its pipeline a few kilobytes, so a fleet of thousands of healthy portals costs nothing, and one
/// portal's failures still never open another's circuit.
/// </summary>
internal sealed class PortalCircuits
{
    /// <summary>The pipeline of the portals that never faulted (a member id is never empty).</summary>
    public const string Shared = "";

    private readonly ConcurrentDictionary<string, bool> _faulted = new(StringComparer.Ordinal);

    /// <summary>An attempt of the portal faulted: its calls go through a circuit of its own from now on.</summary>
    public void Faulted(string memberId) => _faulted.TryAdd(memberId, true);

    /// <summary>The pipeline for a request of the portal: its own once it faulted, otherwise the shared one.</summary>
    public string PipelineFor(string memberId) => _faulted.ContainsKey(memberId) ? memberId : Shared;
}
