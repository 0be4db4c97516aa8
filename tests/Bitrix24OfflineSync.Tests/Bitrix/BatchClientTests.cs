using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Bitrix;

public sealed class BatchClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneHundredTwentyCommands_BecomeThreeRequestsWithEachErrorUnderItsOwnKey()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        for (var i = 0; i < 100; i++)
        {
            fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"Deal {i + 1}" } });
        }

        var requestsBefore = portal.Stats.Requests;
        var commands = Enumerable.Range(1, 120)
            .Select(id => new BatchCommand($"deal{id}", "crm.deal.get", new JsonObject { ["id"] = id }))
            .ToList();

        var results = await fixture.Service.Get<BitrixBatch>().RunAsync(portal.MemberId, commands, Ct);

        Assert.Equal(3, portal.Stats.Requests - requestsBefore);
        Assert.Equal(120, results.Count);
        Assert.All(results.Take(100), r => Assert.Equal($"Deal {r.Key[4..]}", r.Result!["TITLE"]!.GetValue<string>()));
        Assert.All(results.Skip(100), r => Assert.True(r.Error!.IsNotFound, $"{r.Key} should be Not found"));
    }

    [Fact]
    public async Task References_ResolveWithinOneRequest()
    {
        await using var fixture = await IntakeFixture.StartAsync();
        var (portal, _) = await fixture.InstallAsync();
        var commands = new List<BatchCommand>
        {
            new("created", "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "Referenced" } }),
            new("read", "crm.deal.get", new JsonObject { ["id"] = "$result[created]" }),
        };

        var results = await fixture.Service.Get<BitrixBatch>().RunAsync(portal.MemberId, commands, Ct);

        Assert.Equal("Referenced", results.Single(r => r.Key == "read").Result!["TITLE"]!.GetValue<string>());
    }
}
