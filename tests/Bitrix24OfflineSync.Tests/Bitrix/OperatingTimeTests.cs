using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Bitrix;

/// <summary>
/// Operating time inside <c>batch</c>: the batch answers 200 while an inner command of a blocked method fails in
/// <c>result_error</c>, and each entry's <c>result_time</c> says how much of the limit its method has used.
/// </summary>
public sealed class OperatingTimeTests
{
    private static readonly Dictionary<string, string?> TenSecondLimit = new()
    {
        ["Bitrix24:RequestBudget:OperatingLimit"] = "00:00:10",
    };

    /// <summary>A list method of the tests' own: the service's initial load spends no operating time on it.</summary>
    private const string Heavy = "test.heavy.list";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnInnerCommandBlockedForOperatingTime_IsAPause_AndTheMethodIsNotSentAgainBeforeItsReset()
    {
        await using var fixture = await StartAsync(TenSecondLimit);
        var (portal, _) = await fixture.InstallAsync();
        var batch = fixture.Service.Get<BitrixBatch>();

        // Nothing is known of the method yet: all twenty go out, and the portal refuses those past its limit.
        var first = await batch.RunAsync(portal.MemberId, Lists(20), Ct);
        var requests = portal.Stats.Requests;
        var second = await batch.RunAsync(portal.MemberId, Lists(5), Ct);

        Assert.Equal(11, first.Count(r => r.Succeeded));
        var refused = first.Where(r => !r.Succeeded).ToList();
        Assert.Equal(9, refused.Count);
        Assert.All(refused, r => Assert.True(r.IsPaused, $"{r.Key}: {r.Error}"));
        Assert.Equal(9, portal.Stats.RejectedByOperatingLimit);
        Assert.Equal(requests, portal.Stats.Requests);
        Assert.All(second, r => Assert.Equal(refused[0].PausedUntil, r.PausedUntil));
        var resetAt = portal.OperatingLimiter.Read(fixture.World.DefaultApp.ClientId, Heavy).ResetAt;
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(resetAt), refused[0].PausedUntil);
    }

    [Fact]
    public async Task AMethodNearItsLimit_IsHeldBackBeforeThePortalBlocksIt_WhileOtherMethodsGoOut()
    {
        await using var fixture = await StartAsync(TenSecondLimit);
        var (portal, _) = await fixture.InstallAsync();
        var batch = fixture.Service.Get<BitrixBatch>();
        await batch.RunAsync(portal.MemberId, Lists(5), Ct);

        var results = await batch.RunAsync(portal.MemberId, [.. Lists(10), new BatchCommand("contacts", "crm.contact.list")], Ct);

        // Five seconds of ten are used at one second a call: five more fit, the other five wait for the reset.
        Assert.Equal(5, results.Count(r => r.Key.StartsWith("deals", StringComparison.Ordinal) && r.Succeeded));
        Assert.Equal(5, results.Count(r => r.IsPaused));
        Assert.True(results.Single(r => r.Key == "contacts").Succeeded);
        Assert.Equal(0, portal.Stats.RejectedByOperatingLimit);
        Assert.Equal(10, portal.Stats.CallsOf(Heavy));
    }

    private static async Task<IntakeFixture> StartAsync(IDictionary<string, string?> settings)
    {
        var fixture = await IntakeFixture.StartAsync(settings, configure: o =>
        {
            o.OperatingLimit.Enabled = true;
            o.OperatingLimit.Limit = TimeSpan.FromSeconds(10);
            o.OperatingLimit.CostPerCall[Heavy] = TimeSpan.FromSeconds(1);
        });
        fixture.World.Methods.Add(Heavy, "crm", _ => new JsonArray());
        return fixture;
    }

    private static List<BatchCommand> Lists(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new BatchCommand($"deals{i}", Heavy, new JsonObject { ["filter"] = new JsonObject { [">ID"] = i } }))];
}
