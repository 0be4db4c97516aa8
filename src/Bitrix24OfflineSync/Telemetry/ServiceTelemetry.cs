using System.Diagnostics;

namespace Bitrix24OfflineSync.Telemetry;

/// <summary>
/// The service's one meter and one activity source, both named <see cref="Name"/>. Features create their instruments
/// on the meter through <see cref="System.Diagnostics.Metrics.IMeterFactory"/> and start their spans on
/// <see cref="Source"/>; this folder knows no feature.
/// </summary>
internal static class ServiceTelemetry
{
    public const string Name = "Bitrix24OfflineSync";

    /// <summary>The tag that names a portal: on spans always, on metrics only with <c>Metrics:PerPortal</c>.</summary>
    public const string MemberIdTag = "member_id";

    public static readonly ActivitySource Source = new(Name);

    private static readonly HttpRequestOptionsKey<bool> UntracedKey = new("b24sync.untraced");

    /// <summary>Keeps an outgoing request out of the HTTP client spans (its URL is a secret of the operator's).</summary>
    public static void Untraced(HttpRequestMessage request) => request.Options.Set(UntracedKey, true);

    public static bool IsTraced(HttpRequestMessage request) => !request.Options.TryGetValue(UntracedKey, out var untraced) || !untraced;
}
