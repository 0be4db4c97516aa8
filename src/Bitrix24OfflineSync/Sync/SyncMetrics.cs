using System.Diagnostics;
using System.Diagnostics.Metrics;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Passes;
using Bitrix24OfflineSync.Telemetry;

namespace Bitrix24OfflineSync.Sync;

/// <summary>
/// The drain's instruments: rounds and their duration by mode (<c>extended</c>, <c>basic</c>), dead letters by entity
/// and reason (<c>fetch_failed</c>, <c>sink_refused</c>),
/// and the loads' and drift checks' progress (objects read and steps, by kind). Spans of a drain turn and a round start
/// here too.
/// </summary>
internal sealed class SyncMetrics
{
    private readonly Counter<long> _rounds;
    private readonly Histogram<double> _roundDuration;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _passObjects;
    private readonly Counter<long> _passSteps;
    private readonly PortalTags _tags;
    private readonly TimeProvider _time;

    // The fleet's gauges come with the drain's instruments, and are observed for as long as these exist.
    public SyncMetrics(IMeterFactory meters, PortalTags tags, FleetGauges fleet, TimeProvider time)
    {
        Fleet = fleet;
        _tags = tags;
        _time = time;
        var meter = meters.Create(ServiceTelemetry.Name);
        _rounds = meter.CreateCounter<long>(
            "b24sync_drain_rounds", unit: "{round}", description: "Drain rounds (reserve or read, fetch, commit, clear) by mode (extended, basic) and outcome (ok, failed).");
        _roundDuration = meter.CreateHistogram(
            "b24sync_drain_round_duration",
            unit: "s",
            description: "How long one drain round took, from its reservation to its clear.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
        _deadLetters = meter.CreateCounter<long>(
            "b24sync_dead_letters", unit: "{object}", description: "Objects given up after Sync:MaxItemAttempts failures and kept as dead letters, by entity and reason (fetch_failed, sink_refused).");
        _passObjects = meter.CreateCounter<long>(
            "b24sync_pass_objects", unit: "{object}", description: "Objects read by initial loads and drift checks, by entity and kind (load, check).");
        _passSteps = meter.CreateCounter<long>(
            "b24sync_pass_steps", unit: "{step}", description: "Steps of initial loads and drift checks (one batch request each, then one commit), by kind.");
    }

    public FleetGauges Fleet { get; }

    /// <summary>A span over one portal's drain turn.</summary>
    public static Activity? StartTurn(string memberId) =>
        ServiceTelemetry.Source.StartActivity("b24sync.drain_turn")?.SetTag(ServiceTelemetry.MemberIdTag, memberId);

    /// <summary>Times one round, and spans it; dispose when the round is done.</summary>
    public Round StartRound(string memberId, string mode) => new(this, memberId, mode);

    public void DeadLettered(string memberId, string entity, DeadLetterCause cause) => _deadLetters.Add(1, _tags.For(memberId, "entity", entity, "reason", cause.Name()));

    public void PassStep(string memberId, PassKind kind, string entity, long objectsRead)
    {
        var name = kind.Name();
        _passSteps.Add(1, _tags.For(memberId, "kind", name));
        _passObjects.Add(objectsRead, _tags.For(memberId, "entity", entity, "kind", name));
    }

    /// <summary>One round in progress: counted when disposed, as <c>ok</c> once <see cref="Completed"/> was called, else <c>failed</c>.</summary>
    internal sealed class Round : IDisposable
    {
        private readonly SyncMetrics _metrics;
        private readonly string _memberId;
        private readonly string _mode;
        private readonly long _started;
        private readonly Activity? _span;
        private bool _completed;

        public Round(SyncMetrics metrics, string memberId, string mode)
        {
            _metrics = metrics;
            _memberId = memberId;
            _mode = mode;
            _started = metrics._time.GetTimestamp();
            _span = ServiceTelemetry.Source.StartActivity("b24sync.drain_round")?
                .SetTag(ServiceTelemetry.MemberIdTag, memberId)
                .SetTag("b24sync.mode", mode);
        }

        public void Completed() => _completed = true;

        public void Dispose()
        {
            var tags = _metrics._tags.For(_memberId, "mode", _mode, "outcome", _completed ? "ok" : "failed");
            _metrics._rounds.Add(1, tags);
            _metrics._roundDuration.Record(_metrics._time.GetElapsedTime(_started).TotalSeconds, tags);
            if (!_completed)
            {
                _span?.SetStatus(ActivityStatusCode.Error);
            }

            _span?.Dispose();
        }
    }
}
