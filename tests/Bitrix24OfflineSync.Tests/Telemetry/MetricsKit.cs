using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Telemetry;

/// <summary>
/// A service whose <c>/metrics</c> is on a free loopback port, a portal drained through it, and reading its exposition
/// (the Prometheus text format): families by their <c>TYPE</c> lines, and the meter each came from.
/// </summary>
internal static partial class MetricsKit
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The emulator and the service, with the management address on a free loopback port.</summary>
    public static Task<SyncFixture> StartServiceAsync(bool perPortal = false) =>
        SyncFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Metrics:Urls"] = $"http://127.0.0.1:{FreePort()}",
            ["Metrics:PerPortal"] = perPortal ? "true" : "false",
        });

    /// <summary>Installs a portal, makes three deals in it and waits until the service has drained them into the sink.</summary>
    public static async Task<EmulatedPortal> DrainChangesAsync(SyncFixture fixture)
    {
        var portal = await fixture.InstallAndBindAsync();
        for (var i = 1; i <= 3; i++)
        {
            fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"Deal {i}" } });
        }

        await fixture.WaitUntilDrainedAsync(portal);
        return portal;
    }

    public static async Task<string> ScrapeAsync(ServiceHarness service)
    {
        Assert.NotNull(service.ManagementAddress);
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(service.ManagementAddress, "metrics"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The families an exposition declares (<c># TYPE name type</c>): name to type.</summary>
    public static Dictionary<string, string> Families(string exposition) =>
        TypeLine().Matches(exposition).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["type"].Value, StringComparer.Ordinal);

    /// <summary>The meter (<c>otel_scope_name</c>) of each family's first sample, for the families that have one.</summary>
    public static Dictionary<string, string> Scopes(string exposition)
    {
        var scopes = new Dictionary<string, string>(StringComparer.Ordinal);
        string? family = null;
        foreach (var line in exposition.Split('\n'))
        {
            if (TypeLine().Match(line) is { Success: true } type)
            {
                family = type.Groups["name"].Value;
            }
            else if (family is not null && !line.StartsWith('#') && ScopeLabel().Match(line) is { Success: true } scope)
            {
                scopes.TryAdd(family, scope.Groups["scope"].Value);
            }
        }

        return scopes;
    }

    /// <summary>
    /// Whether <paramref name="name"/>, as a query writes it, is one of <paramref name="families"/>: the family itself,
    /// or a histogram's <c>_bucket</c>, <c>_sum</c> or <c>_count</c> series.
    /// </summary>
    public static bool Names(IReadOnlyDictionary<string, string> families, string name) =>
        families.ContainsKey(name) ||
        (HistogramSeries().Match(name) is { Success: true } series && families.GetValueOrDefault(series.Groups["family"].Value) == "histogram");

    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*\{(?:[^}]*,)?otel_scope_name=""(?<scope>[^""]*)""")]
    private static partial Regex ScopeLabel();

    [GeneratedRegex("^(?<family>.+)_(?:bucket|sum|count)$")]
    private static partial Regex HistogramSeries();
}
