using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Telemetry;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry.Trace;

namespace Bitrix24OfflineSync.Tests.Telemetry;

/// <summary>
/// What a drain shows through the service's own meter and activity source, read with the testing package's
/// <see cref="MetricCollector{T}"/> and OpenTelemetry's in-memory exporter.
/// </summary>
public sealed class TelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ADrain_IsCountedByEntityActionAndOrigin_WithBoundedLabels_AndTheFleetGaugesSeeThePortal()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var meters = fixture.Service.Get<IMeterFactory>();
        using var synced = new MetricCollector<long>(meters, ServiceTelemetry.Name, "b24sync_objects_synced");
        using var doorbells = new MetricCollector<long>(meters, ServiceTelemetry.Name, "b24sync_doorbells");
        using var requests = new MetricCollector<long>(meters, ServiceTelemetry.Name, "b24sync_rest_requests");
        using var rounds = new MetricCollector<long>(meters, ServiceTelemetry.Name, "b24sync_drain_rounds");
        using var commits = new MetricCollector<double>(meters, ServiceTelemetry.Name, "b24sync_sink_commit_duration");
        using var portals = new MetricCollector<int>(meters, ServiceTelemetry.Name, "b24sync_portals");
        using var dirty = new MetricCollector<int>(meters, ServiceTelemetry.Name, "b24sync_portals_dirty");
        var portal = await fixture.InstallAndBindAsync();

        AddDeals(fixture, portal, 3);
        await fixture.WaitUntilDrainedAsync(portal);
        await Wait.UntilAsync(() => synced.GetMeasurementSnapshot().Sum(m => m.Value) >= 3, "the three deals are counted as synced");

        var objects = synced.GetMeasurementSnapshot();
        Assert.All(objects, m => Assert.Equal(("crm.deal", "upsert", "event"), (Tag(m, "entity"), Tag(m, "action"), Tag(m, "origin"))));
        Assert.Equal(3, objects.Sum(m => m.Value));
        Assert.Contains(doorbells.GetMeasurementSnapshot(), m => Tag(m, "outcome") == "accepted");
        // The drain reserves, fetches and clears in batches.
        Assert.Contains(requests.GetMeasurementSnapshot(), m => Tag(m, "method") == "batch" && Tag(m, "outcome") == "ok");
        Assert.Contains(rounds.GetMeasurementSnapshot(), m => Tag(m, "mode") == "extended" && Tag(m, "outcome") == "ok");
        Assert.Contains(commits.GetMeasurementSnapshot(), m => Tag(m, "sink") == "database" && Tag(m, "outcome") == "ok" && m.Value >= 0);
        // Per-portal labels are off by default: no series names a portal.
        Assert.All(
            [.. objects.Select(m => m.Tags), .. doorbells.GetMeasurementSnapshot().Select(m => m.Tags), .. requests.GetMeasurementSnapshot().Select(m => m.Tags)],
            tags => Assert.DoesNotContain(ServiceTelemetry.MemberIdTag, tags.Keys));

        portals.RecordObservableInstruments();
        dirty.RecordObservableInstruments();
        Assert.Equal(1, portals.LastMeasurement?.Value);
        Assert.Equal("active", Tag(portals.LastMeasurement!, "status"));
        Assert.Equal(0, dirty.LastMeasurement?.Value);
    }

    [Fact]
    public async Task WithPerPortalLabels_TheSeriesNameTheirPortal()
    {
        await using var fixture = await SyncFixture.StartAsync(new Dictionary<string, string?> { ["Metrics:PerPortal"] = "true" });
        using var synced = new MetricCollector<long>(fixture.Service.Get<IMeterFactory>(), ServiceTelemetry.Name, "b24sync_objects_synced");
        var portal = await fixture.InstallAndBindAsync();

        AddDeals(fixture, portal, 2);
        await fixture.WaitUntilDrainedAsync(portal);
        await Wait.UntilAsync(() => synced.GetMeasurementSnapshot().Sum(m => m.Value) >= 2, "the deals are counted as synced");

        Assert.All(synced.GetMeasurementSnapshot(), m => Assert.Equal(portal.MemberId, Tag(m, ServiceTelemetry.MemberIdTag)));
    }

    [Fact]
    public async Task ADoorbellAndItsDrain_AreSpans_TurnOverRoundOverRestCallsAndTheSinkCommit_WithoutATokenInAnyTag()
    {
        var spans = new SpanList();
        await using var fixture = await SyncFixture.StartAsync(services: s => s.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(spans)));
        var portal = await fixture.InstallAndBindAsync();

        AddDeals(fixture, portal, 2);
        await fixture.WaitUntilDrainedAsync(portal);
        // A span is exported when it ends: the turn's after its rounds'.
        await Wait.UntilAsync(
            () => spans.Snapshot().Any(s => s.OperationName == "b24sync.sink_commit" && Parent(spans, s, "b24sync.drain_round") is { } r && Parent(spans, r, "b24sync.drain_turn") is not null),
            "a commit of a drain round of a turn is exported");

        var all = spans.Snapshot();
        Assert.Contains(all, s => s.OperationName == "b24sync.doorbell" && (string?)s.GetTagItem("b24sync.outcome") == "accepted");
        var round = all.First(s => s.OperationName == "b24sync.drain_round" && all.Any(c => c.ParentSpanId == s.SpanId && c.OperationName == "b24sync.sink_commit"));
        var turn = Parent(spans, round, "b24sync.drain_turn");
        Assert.NotNull(turn);
        Assert.Equal(portal.MemberId, turn.GetTagItem(ServiceTelemetry.MemberIdTag));
        var calls = all.Where(s => s.OperationName == "b24sync.rest_call" && Parent(spans, s, "b24sync.drain_round") == round).ToList();
        Assert.Contains(calls, s => (string?)s.GetTagItem("rpc.method") == "batch");
        // Each REST call carries the HTTP client's span below it.
        Assert.All(calls, call => Assert.Contains(all, s => s.ParentSpanId == call.SpanId && s.Kind == ActivityKind.Client));

        var issued = fixture.World.OAuth.LastIssued(portal, fixture.World.DefaultApp)!;
        var secrets = new[] { issued.AccessToken, issued.RefreshToken };
        foreach (var span in all)
        {
            foreach (var (key, value) in span.TagObjects)
            {
                Assert.DoesNotContain(secrets, secret => $"{value}".Contains(secret, StringComparison.Ordinal));
            }
        }
    }

    private static void AddDeals(SyncFixture fixture, EmulatedPortal portal, int count)
    {
        for (var i = 0; i < count; i++)
        {
            fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"Deal {i}" } });
        }
    }

    private static string? Tag<T>(CollectedMeasurement<T> measurement, string key)
        where T : struct => measurement.Tags.TryGetValue(key, out var value) ? value?.ToString() : null;

    /// <summary>The nearest ancestor of <paramref name="span"/> named <paramref name="name"/> among the exported spans.</summary>
    private static Activity? Parent(SpanList spans, Activity span, string name)
    {
        var byId = spans.Snapshot().ToDictionary(s => s.SpanId);
        for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            if (parent.OperationName == name)
            {
                return parent;
            }
        }

        return null;
    }

    /// <summary>The exporter appends from the service's threads while the test reads.</summary>
    private sealed class SpanList : Collection<Activity>
    {
        private readonly Lock _sync = new();

        public IReadOnlyList<Activity> Snapshot()
        {
            lock (_sync)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_sync)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
