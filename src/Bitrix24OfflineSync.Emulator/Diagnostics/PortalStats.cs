using System.Collections.Concurrent;

namespace Bitrix24OfflineSync.Emulator.Diagnostics;

/// <summary>Counters of one portal for tests and benchmarks: calls per method, limit refusals, concurrency, call log.</summary>
public sealed class PortalStats
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _inFlightByMethod = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _maxInFlightByMethod = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<CallLogEntry> _log = new();
    private int _requests;
    private int _connections;
    private int _rejectedByLimit;
    private int _rejectedByOperatingLimit;
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>HTTP requests that reached the portal's REST endpoint (a batch is one).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>TCP connections this portal's REST requests came on (each one a handshake); a client that reuses its connections keeps it small.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Requests answered 503 <c>QUERY_LIMIT_EXCEEDED</c>.</summary>
    public int RejectedByLimit => Volatile.Read(ref _rejectedByLimit);

    /// <summary>Calls answered 429 <c>OPERATION_TIME_LIMIT</c>.</summary>
    public int RejectedByOperatingLimit => Volatile.Read(ref _rejectedByOperatingLimit);

    /// <summary>The highest number of REST requests of this portal in flight at once.</summary>
    public int MaxConcurrentRequests => Volatile.Read(ref _maxInFlight);

    /// <summary>Method calls by name, including the commands inside batches.</summary>
    public IReadOnlyDictionary<string, int> Calls => _calls.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>The ordered call log.</summary>
    public IReadOnlyList<CallLogEntry> CallLog => [.. _log.OrderBy(e => e.Sequence)];

    public int CallsOf(string method) => _calls.GetValueOrDefault(method);

    /// <summary>The highest number of requests calling <paramref name="method"/> (directly or in a batch) in flight at once.</summary>
    public int MaxConcurrentCallsOf(string method) => _maxInFlightByMethod.GetValueOrDefault(method);

    public void Reset()
    {
        _calls.Clear();
        _maxInFlightByMethod.Clear();
        _log.Clear();
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _connections, 0);
        Interlocked.Exchange(ref _rejectedByLimit, 0);
        Interlocked.Exchange(ref _rejectedByOperatingLimit, 0);
        Interlocked.Exchange(ref _maxInFlight, Volatile.Read(ref _inFlight));
    }

    internal void CountRequest() => Interlocked.Increment(ref _requests);

    internal void CountConnection() => Interlocked.Increment(ref _connections);

    internal void CountRejectedByLimit() => Interlocked.Increment(ref _rejectedByLimit);

    internal void CountRejectedByOperatingLimit() => Interlocked.Increment(ref _rejectedByOperatingLimit);

    internal void CountCall(string method) => _calls.AddOrUpdate(method, 1, (_, n) => n + 1);

    internal void Log(CallLogEntry entry) => _log.Enqueue(entry);

    /// <summary>Marks a request in flight for the gauges until the returned scope is disposed.</summary>
    internal InFlight Enter(IReadOnlyCollection<string> methods)
    {
        Raise(ref _maxInFlight, Interlocked.Increment(ref _inFlight));
        foreach (var method in methods)
        {
            var now = _inFlightByMethod.AddOrUpdate(method, 1, (_, n) => n + 1);
            _maxInFlightByMethod.AddOrUpdate(method, now, (_, max) => Math.Max(max, now));
        }

        return new InFlight(this, methods);
    }

    private static void Raise(ref int max, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, value, seen) != seen)
        {
        }
    }

    internal readonly struct InFlight(PortalStats stats, IReadOnlyCollection<string> methods) : IDisposable
    {
        public void Dispose()
        {
            Interlocked.Decrement(ref stats._inFlight);
            foreach (var method in methods)
            {
                stats._inFlightByMethod.AddOrUpdate(method, 0, (_, n) => n - 1);
            }
        }
    }
}
