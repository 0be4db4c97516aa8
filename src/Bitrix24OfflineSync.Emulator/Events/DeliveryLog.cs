using System.Collections.Concurrent;

namespace Bitrix24OfflineSync.Emulator.Events;

/// <summary>Every POST the portal made or suppressed to handlers: doorbells, online events, install callbacks.</summary>
public sealed class DeliveryLog
{
    private readonly ConcurrentQueue<DeliveryRecord> _records = new();

    /// <summary>The records so far, in the order the sends started (by <see cref="DeliveryRecord.Sequence"/>).</summary>
    public IReadOnlyList<DeliveryRecord> Records => [.. _records.OrderBy(r => r.Sequence)];

    public IReadOnlyList<DeliveryRecord> Of(string eventName) =>
        [.. Records.Where(r => string.Equals(r.EventName, eventName, StringComparison.OrdinalIgnoreCase))];

    internal void Add(DeliveryRecord record) => _records.Enqueue(record);
}
