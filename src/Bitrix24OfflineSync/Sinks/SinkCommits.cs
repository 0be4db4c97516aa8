using System.Diagnostics;
using System.Diagnostics.Metrics;
using Bitrix24OfflineSync.Persistence;
using Bitrix24OfflineSync.Sinks.Fields;
using Bitrix24OfflineSync.Telemetry;

namespace Bitrix24OfflineSync.Sinks;

/// <summary>
/// The one way into the configured <see cref="ISyncSink"/>: each commit is spanned and timed
/// (<c>b24sync_sink_commit_duration_seconds{sink,outcome}</c>), the objects of a commit that succeeded are counted
/// (<c>b24sync_objects_synced_total{entity,action,origin}</c>): what the metrics call synced is what a sink holds,
/// and each object the sink refused is logged (its status only, never the answer).
/// </summary>
internal sealed class SinkCommits
{
    private readonly ISyncSink _sink;
    private readonly IPortalFieldStore _fields;
    private readonly PortalTags _tags;
    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly Counter<long> _objects;
    private readonly Histogram<double> _duration;
    private readonly ILogger<SinkCommits> _logger;

    public SinkCommits(ISyncSink sink, IPortalFieldStore fields, IMeterFactory meters, PortalTags tags, TimeProvider time, ILogger<SinkCommits> logger)
    {
        _sink = sink;
        _fields = fields;
        _logger = logger;
        _tags = tags;
        _time = time;
        _name = sink.Name;
        var meter = meters.Create(ServiceTelemetry.Name);
        _objects = meter.CreateCounter<long>(
            "b24sync_objects_synced",
            unit: "{object}",
            description: "Objects committed to the sink, by entity, action (upsert, delete, event) and origin (event, load, repair).");
        _duration = meter.CreateHistogram(
            "b24sync_sink_commit_duration",
            unit: "s",
            description: "How long one commit to the sink took, by sink and outcome (ok, unavailable, fence_lost, error).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    /// <inheritdoc cref="ISyncSink.CommitAsync"/>
    public async Task<SinkCommitResult> CommitAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        using var span = ServiceTelemetry.Source.StartActivity("b24sync.sink_commit")?
            .SetTag(ServiceTelemetry.MemberIdTag, batch.MemberId)
            .SetTag("b24sync.sink", _name)
            .SetTag("b24sync.changes", batch.Changes.Count);
        var started = _time.GetTimestamp();
        var outcome = "error";
        SinkCommitResult result;
        try
        {
            result = await _sink.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
            outcome = "ok";
        }
        catch (SinkUnavailableException)
        {
            outcome = "unavailable";
            throw;
        }
        catch (CommitFenceLostException)
        {
            outcome = "fence_lost";
            throw;
        }
        finally
        {
            _duration.Record(_time.GetElapsedTime(started).TotalSeconds, _tags.For(batch.MemberId, "sink", _name, "outcome", outcome));
            if (outcome != "ok")
            {
                span?.SetStatus(ActivityStatusCode.Error, outcome);
            }
        }

        span?.SetTag("b24sync.refused", result.Refused.Count);
        var refused = result.Refused.Select(r => r.Key).ToHashSet();
        foreach (var refusal in result.Refused)
        {
            SinkLog.Refused(_logger, _name, refusal.Key.Entity, refusal.Key.Id, batch.MemberId, refusal.Status);
        }

        foreach (var group in batch.Changes.Where(c => !refused.Contains(c.Key)).GroupBy(c => (c.Key.Entity, c.Action, c.Origin)))
        {
            var action = group.Key.Action switch
            {
                ChangeAction.Upsert => "upsert",
                ChangeAction.Delete => "delete",
                _ => "event",
            };
            _objects.Add(group.Count(), _tags.For(batch.MemberId, "entity", group.Key.Entity, "action", action, "origin", group.Key.Origin.Name()));
        }

        return result;
    }

    /// <summary>Removes what the sink holds of a portal and the portal's field lists (ONAPPUNINSTALL with CLEAN=1).</summary>
    public async Task ForgetPortalAsync(string memberId, string? domain, CancellationToken cancellationToken)
    {
        await _sink.ForgetPortalAsync(memberId, domain, cancellationToken).ConfigureAwait(false);
        try
        {
            await _fields.DeletePortalAsync(memberId, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            throw new SinkUnavailableException($"the field lists could not be deleted: {ex.Reason}", ex);
        }

        await _sink.FieldsReadAsync(changed: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="ISyncSink.FieldsReadAsync"/>
    public Task FieldsReadAsync(bool changed, CancellationToken cancellationToken) => _sink.FieldsReadAsync(changed, cancellationToken);
}
