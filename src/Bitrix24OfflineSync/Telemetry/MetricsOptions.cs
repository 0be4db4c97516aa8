namespace Bitrix24OfflineSync.Telemetry;

/// <summary>The <c>Metrics</c> configuration section.</summary>
internal sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// The management address that serves <c>GET /metrics</c>, e.g. <c>http://0.0.0.0:9464</c>; empty turns the endpoint
    /// off. It is added to Kestrel's listeners beside the public URLs, and answers only <c>/metrics</c> and
    /// <c>/health/*</c>; the public URLs answer <c>/metrics</c> with 404.
    /// </summary>
    public string? Urls { get; set; } = "http://0.0.0.0:9464";

    /// <summary>
    /// Adds a <c>member_id</c> label to the per-portal series (requests, objects, rounds, dead letters, pauses) and keeps
    /// the portal's host on HTTP client and resilience series. For small fleets: each portal makes its own series.
    /// </summary>
    public bool PerPortal { get; set; }
}
