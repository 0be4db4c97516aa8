using System.Diagnostics.Metrics;
using Bitrix24OfflineSync.Telemetry;

namespace Bitrix24OfflineSync.Writes;

/// <summary>
/// The write-back's instrument: <c>b24sync_writes_total{entity,action,outcome}</c>, outcome <c>accepted</c> (stored by
/// the API, not counted again for a key already stored), <c>applied</c>, <c>conflict</c> or <c>failed</c>.
/// </summary>
internal sealed class WritesMetrics
{
    private readonly Counter<long> _writes;
    private readonly PortalTags _tags;

    public WritesMetrics(IMeterFactory meters, PortalTags tags)
    {
        _tags = tags;
        _writes = meters.Create(ServiceTelemetry.Name).CreateCounter<long>(
            "b24sync_writes", unit: "{write}", description: "Writes of the write API by entity, action and outcome (accepted, applied, conflict, failed).");
    }

    public void Accepted(IReadOnlyList<WriteRequest> writes, WriteAcceptance acceptance)
    {
        var fresh = acceptance.Statuses.Where(s => s.Stored).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var write in writes.Where(w => fresh.Contains(w.Key)))
        {
            _writes.Add(1, new KeyValuePair<string, object?>("entity", write.Entity), new KeyValuePair<string, object?>("action", write.Action), new KeyValuePair<string, object?>("outcome", "accepted"));
        }
    }

    public void Ended(string memberId, WriteRequest write, string status) =>
        _writes.Add(1, _tags.For(memberId, "entity", write.Entity, "action", write.Action, "outcome", status));
}
