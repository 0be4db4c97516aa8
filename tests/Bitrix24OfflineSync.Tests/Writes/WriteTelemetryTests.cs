using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Tests.Telemetry;

namespace Bitrix24OfflineSync.Tests.Writes;

/// <summary>Writes are counted by entity, action and outcome on the management address, and each final status is logged once.</summary>
public sealed class WriteTelemetryTests
{
    [Fact]
    public async Task WritesAreCountedByEntityActionAndOutcome_AndEachFinalStatusIsLoggedOnce()
    {
        await using var kit = await WriteKit.StartAsync(postgres: false);
        var portal = await kit.InstallAsync();

        await kit.AcceptAsync(
            portal.MemberId,
            WriteKit.Write("t-1", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "A" }),
            WriteKit.Write("t-2", "crm.deal", "update", "999", new JsonObject { ["TITLE"] = "B" }));
        // The same key again stores nothing and counts nothing.
        await kit.AcceptAsync(portal.MemberId, WriteKit.Write("t-1", "crm.deal", "create", fields: new JsonObject { ["TITLE"] = "A" }));
        await kit.FinalAsync(portal.MemberId, "t-1");
        await kit.FinalAsync(portal.MemberId, "t-2");
        var exposition = await MetricsKit.ScrapeAsync(kit.Fixture.Service);
        var writes = string.Join('|', exposition.Split('\n').Where(l => l.StartsWith("b24sync_writes", StringComparison.Ordinal)));

        // Services of other tests in this process count on the same meter name: at least this test's writes are there.
        Assert.True(Count(exposition, "create", "accepted") >= 1, writes);
        Assert.True(Count(exposition, "create", "applied") >= 1, writes);
        Assert.True(Count(exposition, "update", "failed") >= 1, writes);
        var applied = Assert.Single(kit.Fixture.Service.Logs.Of(1801));
        Assert.Equal("t-1", applied["WriteKey"]);
        var failed = Assert.Single(kit.Fixture.Service.Logs.Of(1803));
        Assert.Equal("t-2", failed["WriteKey"]);
        Assert.Equal("NOT_FOUND", failed["ErrorCode"]);
    }

    /// <summary>The value of the <c>b24sync_writes_total</c> series of crm.deal with the action and outcome, whatever other labels it has.</summary>
    private static double Count(string exposition, string action, string outcome) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith("b24sync_writes_total{", StringComparison.Ordinal) && l.Contains($"action=\"{action}\"", StringComparison.Ordinal) &&
                        l.Contains("entity=\"crm.deal\"", StringComparison.Ordinal) && l.Contains($"outcome=\"{outcome}\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.IndexOf('}', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
}
