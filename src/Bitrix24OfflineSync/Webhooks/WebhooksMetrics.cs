using System.Diagnostics.Metrics;
using Bitrix24OfflineSync.Telemetry;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>The intake's instruments: <c>b24sync_doorbells_total{outcome}</c>, <c>b24sync_installs_total{outcome}</c>.</summary>
internal sealed class WebhooksMetrics
{
    private readonly Counter<long> _doorbells;
    private readonly Counter<long> _installs;

    public WebhooksMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(ServiceTelemetry.Name);
        _doorbells = meter.CreateCounter<long>(
            "b24sync_doorbells",
            unit: "{doorbell}",
            description: "ONOFFLINEEVENT POSTs by outcome: accepted (the portal was marked dirty), coalesced (it already was), rejected (not authenticated).");
        _installs = meter.CreateCounter<long>(
            "b24sync_installs",
            unit: "{install}",
            description: "ONAPPINSTALL POSTs by outcome: accepted, rejected (not proven), takeover_refused (a valid user's tokens, not an administrator's, over an active portal), throttled (the verification limits).");
    }

    public void Doorbell(string outcome) => _doorbells.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Install(string outcome) => _installs.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
