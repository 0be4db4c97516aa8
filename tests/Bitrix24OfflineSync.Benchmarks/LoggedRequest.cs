using Bitrix24OfflineSync.Emulator.Diagnostics;
using Bitrix24OfflineSync.Emulator.Portals;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>
/// One HTTP request an app made to a portal, read back from the emulator's call log: the method, and for a batch its
/// commands in the order they ran. A request refused before it reached a method (503 <c>QUERY_LIMIT_EXCEEDED</c>, a bad
/// token) is counted in <see cref="PortalStats.Requests"/> but has no entry in the log.
/// </summary>
internal sealed record LoggedRequest(CallLogEntry Call, IReadOnlyList<CallLogEntry> Commands)
{
    public string Method => Call.Method;

    /// <summary>The requests of <paramref name="clientId"/> logged after <paramref name="sequence"/> (from <c>BitrixWorld.NextSequence</c>), in order.</summary>
    public static IReadOnlyList<LoggedRequest> Since(EmulatedPortal portal, long sequence, string clientId) =>
        [.. portal.Stats.CallLog
            .Where(c => c.Sequence > sequence && c.ClientId == clientId)
            .GroupBy(c => c.RequestId)
            .OrderBy(g => g.Min(c => c.Sequence))
            .Select(g =>
            {
                // A batch's own entry is logged once its commands have run, after them.
                var outer = g.FirstOrDefault(c => !c.InBatch) ?? g.First();
                return new LoggedRequest(outer, [.. g.Where(c => c.InBatch)]);
            })];

    /// <summary><c>event.offline.list</c>, or <c>batch: event.offline.clear x1, event.offline.get x1</c>; failed commands and answers are named.</summary>
    public string Describe()
    {
        var text = Method == "batch"
            ? "batch: " + string.Join(", ", Commands.GroupBy(c => c.Method).Select(g => $"{g.Key} x{g.Count()}"))
            : Method;
        var failed = Commands.Where(c => c.Status != 200).GroupBy(c => c.ErrorCode ?? c.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (failed.Count > 0)
        {
            text += $" (failed: {string.Join(", ", failed.Select(g => $"{g.Key} x{g.Count()}"))})";
        }

        return Call.Status == 200 ? text : $"{text} -> {Call.Status} {Call.ErrorCode}";
    }
}
