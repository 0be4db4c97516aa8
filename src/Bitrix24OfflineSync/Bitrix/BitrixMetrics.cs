using System.Diagnostics.Metrics;
using Bitrix24OfflineSync.Telemetry;

namespace Bitrix24OfflineSync.Bitrix;

/// <summary>
/// The REST client's instruments: every attempt by method and outcome (<c>ok</c>, the error code such as
/// <c>QUERY_LIMIT_EXCEEDED</c> or <c>OPERATION_TIME_LIMIT</c>, <c>timeout</c>, <c>connection_*</c>, <c>http_NNN</c>),
/// operating-time blocks by method, and token refreshes by outcome.
/// </summary>
internal sealed class BitrixMetrics
{
    private readonly Counter<long> _requests;
    private readonly Counter<long> _operatingBlocks;
    private readonly Counter<long> _refreshes;
    private readonly PortalTags _tags;

    public BitrixMetrics(IMeterFactory meters, PortalTags tags)
    {
        _tags = tags;
        var meter = meters.Create(ServiceTelemetry.Name);
        _requests = meter.CreateCounter<long>(
            "b24sync_rest_requests", unit: "{request}", description: "REST requests sent to portals (each attempt), by method and outcome.");
        _operatingBlocks = meter.CreateCounter<long>(
            "b24sync_operating_time_blocks", unit: "{block}", description: "Methods a portal blocked for their operating time (OPERATION_TIME_LIMIT, alone or inside a batch).");
        _refreshes = meter.CreateCounter<long>(
            "b24sync_token_refreshes", unit: "{refresh}", description: "Access-token refreshes by outcome: refreshed, already_refreshed, refused (the portal needs re-authorization), failed.");
    }

    public void Request(string memberId, string method, string outcome) => _requests.Add(1, _tags.For(memberId, "method", method, "outcome", outcome));

    public void OperatingBlocked(string memberId, string method) => _operatingBlocks.Add(1, _tags.For(memberId, "method", method));

    public void TokenRefresh(string memberId, string outcome) => _refreshes.Add(1, _tags.For(memberId, "outcome", outcome));
}
