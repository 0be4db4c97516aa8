using Bitrix24OfflineSync.Benchmarks;

// Benchmarks print figures; they assert nothing. Usage: dotnet run -c Release --project tests/Bitrix24OfflineSync.Benchmarks [doorbell|client|drain] [--changes N] [--seconds N]
var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).FirstOrDefault(10);
var which = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)) ?? "all";

if (which is "all" or "doorbell")
{
    await DoorbellBenchmark.RunAsync(TimeSpan.FromSeconds(seconds));
}

if (which is "all" or "drain")
{
    var changes = args.SkipWhile(a => a != "--changes").Skip(1).Select(int.Parse).FirstOrDefault(100_000);
    await DrainBenchmark.RunAsync(changes, naiveSample: Math.Min(changes, 2_000));
}

if (which is "all" or "client")
{
    await ClientBudgetBenchmark.RunAsync(TimeSpan.FromSeconds(seconds));
}

return 0;
