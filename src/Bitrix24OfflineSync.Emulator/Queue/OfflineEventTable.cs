using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Queue;

/// <summary>
/// The portal's offline event table (b_rest_event_offline): an upsert per raised event keyed on
/// (MESSAGE_ID, APP_ID, CONNECTOR_ID, PROCESS_ID), reservation under a process id, deletion and error marking,
/// as <c>EventOfflineTable</c> does it in SQL.
/// </summary>
public sealed class OfflineEventTable(EmulatedPortal portal)
{
    private readonly Lock _sync = new();
    private readonly SortedDictionary<long, OfflineEventRow> _rows = [];
    private readonly Dictionary<(string, string, string, string), long> _byKey = [];

    // Reserved rows by process id, as the server's index on PROCESS_ID makes re-gets and clears cheap in a large queue.
    private readonly Dictionary<string, HashSet<long>> _byProcess = new(StringComparer.Ordinal);

    // Unreserved rows per (app, connector, error) in TIMESTAMP_X, ID order, as the server's index serves the default
    // order of a reservation without reading the whole queue.
    private readonly Dictionary<(string AppId, string ConnectorId, bool Error), SortedSet<OfflineEventRow>> _pool = [];
    private long _lastId;

    public EmulatedPortal Portal { get; } = portal;

    /// <summary><c>md5(EVENT_NAME|Json::encode(EVENT_DATA))</c>, lower-case hex.</summary>
    public static string MessageId(string eventName, JsonNode? data) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(eventName.ToUpperInvariant() + "|" + PhpJson.Encode(data))));

    /// <summary>Rows of an app's queue (one connector), optionally only reserved/unreserved or error/normal ones.</summary>
    public int Depth(EmulatedApp app, string connectorId = "", bool? reserved = null, bool? error = null)
    {
        lock (_sync)
        {
            return _rows.Values.Count(r => r.AppId == app.ClientId && r.ConnectorId == connectorId &&
                (reserved is null || r.IsReserved == reserved) && (error is null || r.Error == error));
        }
    }

    /// <summary>Rows of every app and connector: the portal's queue depth.</summary>
    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _rows.Count;
            }
        }
    }

    /// <summary>Every row of every app, in ID order.</summary>
    public IReadOnlyList<OfflineEventRow> Snapshot()
    {
        lock (_sync)
        {
            return [.. _rows.Values];
        }
    }

    /// <summary><c>callEvent</c>: inserts an unreserved row, or refreshes TIMESTAMP_X, EVENT_DATA and EVENT_ADDITIONAL of the one with the same key.</summary>
    internal OfflineEventRow Upsert(string appId, string connectorId, string eventName, JsonNode? data, int userId)
    {
        var name = eventName.ToUpperInvariant();
        var messageId = MessageId(name, data);
        var now = TruncateToSecond(Portal.World.Time.GetUtcNow());
        lock (_sync)
        {
            var key = (messageId, appId, connectorId, "");
            if (_byKey.TryGetValue(key, out var id))
            {
                var existing = _rows[id];
                var updated = existing with { TimestampX = now, EventData = data?.DeepClone(), UserId = userId };
                Replace(existing, updated);
                return updated;
            }

            var row = new OfflineEventRow(++_lastId, now, name, data?.DeepClone(), userId, messageId, "", Error: false, appId, connectorId);
            _rows[row.Id] = row;
            _byKey[key] = row.Id;
            Index(row);
            return row;
        }
    }

    /// <summary><c>markEvents</c>: puts <paramref name="processId"/> on up to <paramref name="limit"/> unreserved rows in <paramref name="order"/>.</summary>
    internal int Reserve(string appId, string connectorId, bool error, OfflineFilter filter, OfflineOrder order, int limit, string processId)
    {
        lock (_sync)
        {
            if (!_pool.TryGetValue((appId, connectorId, error), out var pool))
            {
                return 0;
            }

            var matching = pool.Where(filter.Matches);
            var chosen = (order.IsTimestampAscending ? matching : matching.Order(order)).Take(limit).ToList();
            foreach (var row in chosen)
            {
                Replace(row, row with { ProcessId = processId });
            }

            return chosen.Count;
        }
    }

    internal IReadOnlyList<OfflineEventRow> Select(string appId, string connectorId, bool error, OfflineFilter filter, OfflineOrder order, int limit, string processId)
    {
        lock (_sync)
        {
            return [.. RowsOf(processId)
                .Where(r => r.AppId == appId && r.ConnectorId == connectorId && r.Error == error && r.ProcessId == processId && filter.Matches(r))
                .Order(order)
                .Take(limit)];
        }
    }

    /// <summary>For event.offline.list: every row of the app's connector queue that matches, reserved or not.</summary>
    internal IReadOnlyList<OfflineEventRow> List(string appId, string connectorId, OfflineFilter filter, OfflineOrder order)
    {
        lock (_sync)
        {
            return [.. _rows.Values.Where(r => r.AppId == appId && r.ConnectorId == connectorId && filter.Matches(r)).Order(order)];
        }
    }

    /// <summary><c>clearEvents</c>/<c>clearEventsByMessageId</c>: deletes rows of the process, all of them or those listed.</summary>
    internal int Delete(string appId, string connectorId, string processId, IReadOnlyCollection<long>? ids = null, IReadOnlyCollection<string>? messageIds = null)
    {
        lock (_sync)
        {
            var doomed = RowsOf(processId)
                .Where(r => r.AppId == appId && r.ConnectorId == connectorId && r.ProcessId == processId &&
                    (ids is null || ids.Contains(r.Id)) &&
                    (messageIds is null || messageIds.Contains(r.MessageId, StringComparer.OrdinalIgnoreCase)))
                .ToList();
            doomed.ForEach(Remove);
            return doomed.Count;
        }
    }

    /// <summary>
    /// <c>markError</c>: drops the other ERROR=0 copies of the messages (fresh duplicates included), then returns the
    /// process's rows to the pool with ERROR=1.
    /// </summary>
    internal void MarkError(string appId, string connectorId, string processId, IReadOnlyCollection<string> messageIds)
    {
        lock (_sync)
        {
            bool Listed(OfflineEventRow r) =>
                r.AppId == appId && r.ConnectorId == connectorId && messageIds.Contains(r.MessageId, StringComparer.OrdinalIgnoreCase);

            _rows.Values.Where(r => Listed(r) && !r.Error && r.ProcessId != processId).ToList().ForEach(Remove);
            foreach (var row in _rows.Values.Where(r => Listed(r) && !r.Error).ToList())
            {
                if (_byKey.ContainsKey((row.MessageId, row.AppId, row.ConnectorId, "")))
                {
                    // An error row of the message is already in the pool; the unique key leaves room for one only.
                    Remove(row);
                    continue;
                }

                Replace(row, row with { Error = true, ProcessId = "" });
            }
        }
    }

    /// <summary>Deletes an app's rows, as its uninstall does.</summary>
    internal void RemoveApp(string appId)
    {
        lock (_sync)
        {
            _rows.Values.Where(r => r.AppId == appId).ToList().ForEach(Remove);
        }
    }

    private IEnumerable<OfflineEventRow> RowsOf(string processId) =>
        processId.Length == 0 ? _rows.Values
        : _byProcess.TryGetValue(processId, out var ids) ? ids.Order().Select(id => _rows[id])
        : [];

    private void Replace(OfflineEventRow old, OfflineEventRow updated)
    {
        _byKey.Remove(old.Key);
        _byKey[updated.Key] = updated.Id;
        _rows[updated.Id] = updated;
        Unindex(old);
        Index(updated);
    }

    private void Remove(OfflineEventRow row)
    {
        _rows.Remove(row.Id);
        _byKey.Remove(row.Key);
        Unindex(row);
    }

    private void Index(OfflineEventRow row)
    {
        if (row.ProcessId.Length == 0)
        {
            if (!_pool.TryGetValue((row.AppId, row.ConnectorId, row.Error), out var pool))
            {
                pool = new SortedSet<OfflineEventRow>(PoolOrder.Instance);
                _pool[(row.AppId, row.ConnectorId, row.Error)] = pool;
            }

            pool.Add(row);
        }
        else
        {
            if (!_byProcess.TryGetValue(row.ProcessId, out var ids))
            {
                ids = [];
                _byProcess[row.ProcessId] = ids;
            }

            ids.Add(row.Id);
        }
    }

    private void Unindex(OfflineEventRow row)
    {
        if (row.ProcessId.Length == 0 && _pool.TryGetValue((row.AppId, row.ConnectorId, row.Error), out var pool))
        {
            pool.Remove(row);
        }
        else if (row.ProcessId.Length > 0 && _byProcess.TryGetValue(row.ProcessId, out var ids))
        {
            ids.Remove(row.Id);
            if (ids.Count == 0)
            {
                _byProcess.Remove(row.ProcessId);
            }
        }
    }

    private sealed class PoolOrder : IComparer<OfflineEventRow>
    {
        public static readonly PoolOrder Instance = new();

        public int Compare(OfflineEventRow? x, OfflineEventRow? y)
        {
            var byTime = x!.TimestampX.CompareTo(y!.TimestampX);
            return byTime != 0 ? byTime : x.Id.CompareTo(y.Id);
        }
    }

    private static DateTimeOffset TruncateToSecond(DateTimeOffset utc) => DateTimeOffset.FromUnixTimeSeconds(utc.ToUnixTimeSeconds());
}
