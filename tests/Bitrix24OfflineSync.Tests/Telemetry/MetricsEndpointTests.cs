using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Telemetry;

/// <summary><c>/metrics</c> on the management address: only there, and per portal only when asked.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task WithoutPerPortal_TheExpositionNamesNoPortal()
    {
        await using var fixture = await MetricsKit.StartServiceAsync(perPortal: false);
        var portal = await MetricsKit.DrainChangesAsync(fixture);

        var exposition = await MetricsKit.ScrapeAsync(fixture.Service);

        // A fleet of thousands of portals keeps a bounded number of series: no label names one.
        Assert.Contains("b24sync_objects_synced_total{", exposition, StringComparison.Ordinal);
        Assert.DoesNotContain(portal.MemberId, exposition, StringComparison.Ordinal);
        Assert.DoesNotContain(portal.Domain, exposition, StringComparison.Ordinal);
        Assert.DoesNotContain("member_id=", exposition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithPerPortal_ObjectsSyncedCarryTheMemberId()
    {
        await using var fixture = await MetricsKit.StartServiceAsync(perPortal: true);
        var portal = await MetricsKit.DrainChangesAsync(fixture);

        var exposition = await MetricsKit.ScrapeAsync(fixture.Service);

        var synced = new Regex($"^b24sync_objects_synced_total\\{{[^}}]*member_id=\"{portal.MemberId}\"[^}}]*\\}} [1-9]", RegexOptions.Multiline);
        Assert.Matches(synced, exposition);
    }

    [Fact]
    public async Task Metrics_AreServedOnTheManagementPort_ThePublicPortAnswers404()
    {
        await using var service = await ServiceHarness.StartAsync(world: null, new Dictionary<string, string?> { ["Metrics:Urls"] = $"http://127.0.0.1:{MetricsKit.FreePort()}" });
        using var http = new HttpClient();

        using var atPublic = await service.Http.GetAsync(new Uri("metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        using var atManagement = await http.GetAsync(new Uri(service.ManagementAddress!, "metrics"), TestContext.Current.CancellationToken);
        using var asked = new HttpRequestMessage(HttpMethod.Get, new Uri(service.ManagementAddress!, "metrics"));
        asked.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/openmetrics-text; version=1.0.0"));
        using var openMetrics = await http.SendAsync(asked, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, atPublic.StatusCode);
        Assert.Equal(HttpStatusCode.OK, atManagement.StatusCode);
        Assert.Equal("text/plain", atManagement.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE ", await atManagement.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, openMetrics.StatusCode);
        Assert.Equal("application/openmetrics-text", openMetrics.Content.Headers.ContentType?.MediaType);
    }
}
