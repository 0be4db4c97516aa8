using Bitrix24OfflineSync.Benchmarks;

// Benchmarks print figures; they assert nothing. Usage: dotnet run -c Release --project tests/Bitrix24OfflineSync.Benchmarks [doorbell|client|drain|load|keyset|trickle|small|replicas|sweep-doorbell|idle|writes] [--changes N] [--seconds N] [--every-ms N] [--objects N] [--samples N] [--portals N] [--per-portal N] [--round-trip-ms N] [--slow-ms N] [--poll-seconds N] [--polls N] [--memory-limit-mb N]
int Option(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).FirstOrDefault(fallback);
var which = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)) ?? "all";

if (which is "all" or "doorbell")
{
    // --seconds is the length of each of the five runs per endpoint.
    await DoorbellBenchmark.RunAsync(TimeSpan.FromSeconds(Option("--seconds", 10)));
}

if (which is "all" or "drain")
{
    var changes = Option("--changes", 100_000);
    await DrainBenchmark.RunAsync(changes, naiveSample: Math.Min(changes, 2_000));
}

if (which is "all" or "load")
{
    await LoadBenchmark.RunAsync(Option("--objects", 100_000));
}

if (which is "all" or "client")
{
    await ClientBudgetBenchmark.RunAsync(TimeSpan.FromSeconds(Option("--seconds", 10)));
}

if (which is "all" or "keyset")
{
    await KeysetBenchmark.RunAsync(Option("--objects", 100_000), Option("--samples", 20));
}

// Not part of "all": their --seconds, --changes and --samples mean other things than the benchmarks' above.
if (which is "trickle")
{
    await TrickleBenchmark.RunAsync(TimeSpan.FromSeconds(Option("--seconds", 60)), TimeSpan.FromMilliseconds(Option("--every-ms", 1_600)));
}

if (which is "small")
{
    await SmallDrainBenchmark.RunAsync(Option("--changes", 5), Option("--samples", 5));
}

// Not part of "all": --changes is the number of creates (and of updates after them).
if (which is "writes")
{
    await WriteBackBenchmark.RunAsync(Option("--changes", 1_000));
}

// Not part of "all": it runs service instances as processes and wants a PostgreSQL server (B24SYNC_BENCH_POSTGRES).
if (which is "replicas")
{
    await ReplicaBenchmark.RunAsync(Option("--portals", 1_000), Option("--per-portal", 100), Option("--round-trip-ms", 150));
}

// Not part of "all": service instances as processes, with the cloud profile on.
if (which is "sweep-doorbell")
{
    await SweepDoorbellBenchmark.RunAsync(Option("--portals", 1_000), Option("--slow-ms", 1_000), Option("--round-trip-ms", 150));
}

if (which is "idle")
{
    await IdleFleetBenchmark.RunAsync(Option("--portals", 100_000), TimeSpan.FromSeconds(Option("--poll-seconds", 60)), Option("--polls", 3), Option("--memory-limit-mb", 0));
}

return 0;
