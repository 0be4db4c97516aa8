using System.Diagnostics;

namespace Bitrix24OfflineSync.Benchmarks;

/// <summary>Closed-loop HTTP load from this process: N workers each sending the next request when the last one answered.</summary>
internal static class LoadGenerator
{
    public static async Task<LoadResult> RunAsync(HttpClient http, Func<HttpRequestMessage> request, int workers, TimeSpan duration)
    {
        var latencies = new List<double>[workers];
        var failures = 0;
        var stopwatch = Stopwatch.StartNew();
        var until = stopwatch.Elapsed + duration;
        var tasks = Enumerable.Range(0, workers).Select(async w =>
        {
            var mine = latencies[w] = [];
            while (stopwatch.Elapsed < until)
            {
                var started = stopwatch.Elapsed;
                using var message = request();
                using var response = await http.SendAsync(message).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }

                mine.Add((stopwatch.Elapsed - started).TotalMilliseconds);
            }
        }).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return new LoadResult([.. latencies.SelectMany(l => l)], stopwatch.Elapsed, failures);
    }
}

/// <summary>What a load run answered: each request's latency, the time it took, the failures.</summary>
internal sealed class LoadResult(double[] latenciesMs, TimeSpan elapsed, int failures)
{
    // Sorted when a percentile is asked for, not between a benchmark's turns.
    private readonly Lazy<double[]> _sorted = new(() => [.. latenciesMs.Order()]);

    private readonly double[] _latencies = latenciesMs;

    public TimeSpan Elapsed { get; } = elapsed;

    public int Failures { get; } = failures;

    public double RequestsPerSecond => _latencies.Length / Elapsed.TotalSeconds;

    public double P50Ms => Percentile(0.50);

    public double P99Ms => Percentile(0.99);

    /// <summary>Runs taken in turns with another endpoint's, as one: their requests over their time together.</summary>
    public static LoadResult Merge(IReadOnlyCollection<LoadResult> runs) =>
        new([.. runs.SelectMany(r => r._latencies)], runs.Aggregate(TimeSpan.Zero, (total, r) => total + r.Elapsed), runs.Sum(r => r.Failures));

    private double Percentile(double p)
    {
        var sorted = _sorted.Value;
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
    }
}
