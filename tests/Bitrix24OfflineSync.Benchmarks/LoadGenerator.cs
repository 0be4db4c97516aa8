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
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(all.Length / stopwatch.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), failures);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}

internal sealed record LoadResult(double RequestsPerSecond, double P50Ms, double P99Ms, int Failures);
