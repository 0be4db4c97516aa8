using System.Diagnostics.Metrics;
using Bitrix24OfflineSync.Telemetry;

namespace Bitrix24OfflineSync.Sync.Scheduling;

/// <summary>What this replica's scheduler holds now: turns in flight, portals ready per line, due times waiting.</summary>
internal sealed class SchedulingGauges(IMeterFactory meters, DrainScheduler scheduler)
{
    private Meter? _meter;

    /// <summary>Creates the gauges (once, when the worker starts).</summary>
    public void Observe()
    {
        if (_meter is not null)
        {
            return;
        }

        _meter = meters.Create(ServiceTelemetry.Name);
        _meter.CreateObservableGauge(
            "b24sync_drain_turns_in_flight",
            () => scheduler.InFlight,
            unit: "{turn}",
            description: "Drain turns running now on this replica (bounded by Sync:MaxConcurrentDrains).");
        _meter.CreateObservableGauge(
            "b24sync_portals_ready",
            () => new[]
            {
                new Measurement<int>(scheduler.ReadyIn(ReadyLine.Urgent), new KeyValuePair<string, object?>("line", "urgent")),
                new Measurement<int>(scheduler.ReadyIn(ReadyLine.Background), new KeyValuePair<string, object?>("line", "background")),
            },
            unit: "{portal}",
            description: "Portals ready for a turn on this replica and waiting for one, by line: urgent (news) and background (the safety net, drift checks).");
        _meter.CreateObservableGauge(
            "b24sync_scheduler_timers",
            () => scheduler.TimersPending,
            unit: "{timer}",
            description: "Due times waiting in this replica's scheduler: rests, retries, operating-time resets, look-agains, drift checks.");
    }
}
