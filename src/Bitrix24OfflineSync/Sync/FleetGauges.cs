using System.Diagnostics.Metrics;
using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Passes;
using Bitrix24OfflineSync.Telemetry;

namespace Bitrix24OfflineSync.Sync;

/// <summary>
/// What the fleet looks like now, read from the database when a scrape asks (at most once a second): portals by
/// status, portals waiting for a drain, the age of the oldest reservation not yet cleared, and the loads and drift
/// checks not yet finished. Shared storage, so every replica reports the same values.
/// </summary>
internal sealed class FleetGauges
{
    private static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(1);

    private readonly IPortalRegistry _registry;
    private readonly IReservationJournal _journal;
    private readonly IPassStore _passes;
    private readonly TimeProvider _time;
    private readonly ILogger<FleetGauges> _logger;
    private readonly Lock _sync = new();
    private Snapshot? _snapshot;

    public FleetGauges(IMeterFactory meters, IPortalRegistry registry, IReservationJournal journal, IPassStore passes, TimeProvider time, ILogger<FleetGauges> logger)
    {
        _registry = registry;
        _journal = journal;
        _passes = passes;
        _time = time;
        _logger = logger;
        var meter = meters.Create(ServiceTelemetry.Name);
        meter.CreateObservableGauge(
            "b24sync_portals",
            () => Read().Portals.Select(p => new Measurement<int>(p.Portals, new KeyValuePair<string, object?>("status", Status(p.Status)))),
            unit: "{portal}",
            description: "Portals by status: active, needs_reauth, uninstalled.");
        meter.CreateObservableGauge(
            "b24sync_portals_dirty",
            () => Read().Portals.Where(p => p.Status == PortalStatus.Active).Sum(p => p.Dirty),
            unit: "{portal}",
            description: "Active portals marked dirty by a doorbell and not yet taken up by a drain.");
        meter.CreateObservableGauge(
            "b24sync_oldest_pending_reservation_age",
            () => Read() is { OldestPending: { } oldest } snapshot ? Math.Max(0, (snapshot.At - oldest).TotalSeconds) : 0,
            unit: "s",
            description: "Age of the oldest queue reservation recorded and not yet cleared (0 when none).");
        meter.CreateObservableGauge(
            "b24sync_passes_unfinished",
            () => Read().Passes.Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>("kind", p.Key.Name()))),
            unit: "{pass}",
            description: "Initial loads and drift checks begun and not finished, by kind (one per portal and entity).");
    }

    private Snapshot Read()
    {
        lock (_sync)
        {
            var now = _time.GetUtcNow();
            if (_snapshot is null || now - _snapshot.At >= FreshFor)
            {
                try
                {
                    // A scrape is synchronous; the queries are small (grouped counts and one MIN over pending rows).
                    _snapshot = LoadAsync(now).GetAwaiter().GetResult();
                }
                catch (Exception ex) when (ex is Persistence.StorageUnavailableException or OperationCanceledException)
                {
                    SyncLog.GaugesUnavailable(_logger, ex.Message);
                    _snapshot ??= new Snapshot(now, [], null, new Dictionary<PassKind, int>());
                }
            }

            return _snapshot;
        }
    }

    private async Task<Snapshot> LoadAsync(DateTimeOffset now)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var portals = await _registry.CountAsync(timeout.Token).ConfigureAwait(false);
        var oldest = await _journal.OldestPendingAsync(timeout.Token).ConfigureAwait(false);
        var passes = await _passes.UnfinishedCountsAsync(timeout.Token).ConfigureAwait(false);
        return new Snapshot(now, portals, oldest, passes);
    }

    private static string Status(PortalStatus status) => status switch
    {
        PortalStatus.Active => "active",
        PortalStatus.NeedsReauth => "needs_reauth",
        _ => "uninstalled",
    };

    private sealed record Snapshot(DateTimeOffset At, IReadOnlyList<PortalStatusCount> Portals, DateTimeOffset? OldestPending, IReadOnlyDictionary<PassKind, int> Passes);
}
