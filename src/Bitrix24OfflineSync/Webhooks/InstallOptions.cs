using System.ComponentModel.DataAnnotations;

namespace Bitrix24OfflineSync.Webhooks;

/// <summary>
/// The <c>Installs</c> configuration section: how much an unverified install may cost. Each one is checked at the OAuth
/// server with the app's secret and then at the portal (<c>user.admin</c>), so anyone who can POST to the endpoint
/// could otherwise spend the app's standing at the OAuth server and the service's sockets.
/// </summary>
internal sealed class InstallOptions
{
    public const string Section = "Installs";

    /// <summary>Installs verified at once; one more is refused (429), not queued.</summary>
    [Range(1, 1000)]
    public int MaxConcurrent { get; set; } = 4;

    /// <summary>Verifications that may start in a burst, across all portals.</summary>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 20;

    /// <summary>Verifications a second across all portals, once the burst is spent.</summary>
    [Range(0.001, 10_000)]
    public double PerSecond { get; set; } = 2;

    /// <summary>Verifications that may start in a burst for one claimed <c>member_id</c>.</summary>
    [Range(1, 1000)]
    public int PortalBurst { get; set; } = 3;

    /// <summary>How long one claimed <c>member_id</c> waits for each further verification once its burst is spent.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan PortalInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long one verification may take in all (the OAuth refresh and the <c>user.admin</c> call).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
