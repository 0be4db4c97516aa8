using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Generator;
using Bitrix24OfflineSync.Sync;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bitrix24OfflineSync.Tests.Sync;

public sealed class DrainEndToEndTests
{
    [Fact]
    public async Task GeneratedChangesAcrossCrmAndTasks_EndWithTheMirrorEqualToThePortalAndTheQueueEmpty()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = await fixture.InstallAndBindAsync();
        var generator = new ChangeGenerator(fixture.World, portal, new ChangeGeneratorOptions { Objects = 80, Seed = 5 });

        generator.Generate(400);
        await fixture.WaitUntilDrainedAsync(portal);

        Assert.True(generator.Deletes > 0 && generator.Updates > 0 && generator.Adds > 0);
        await MirrorAssert.MatchesEmulatorAsync(fixture, portal);
        Assert.Equal(0, portal.Queue.Count);
    }

    [Fact]
    public async Task NoClear_PrecedesTheSinkCommitOfItsReservation()
    {
        var commits = new ConcurrentDictionary<string, long>();
        void Record(IEnumerable<string> processIds, long at)
        {
            foreach (var processId in processIds)
            {
                commits.TryAdd(processId, at);
            }
        }

        SyncFixture? fixture = null;
        var recorder = new DrainProbe { OnCommitted = (_, processIds) => Record(processIds, fixture!.World.NextSequence()) };
        fixture = await SyncFixture.StartAsync(services: s => s.AddSingleton<IDrainProgress>(recorder));
        await using var _ = fixture;
        var portal = await fixture.InstallAndBindAsync();

        new ChangeGenerator(fixture.World, portal, new ChangeGeneratorOptions { Objects = 60, Seed = 9 }).Generate(200);
        await fixture.WaitUntilDrainedAsync(portal);

        var clears = portal.Stats.CallLog.Where(e => e.Method == "event.offline.clear").ToList();
        Assert.NotEmpty(clears);
        Assert.All(clears, clear =>
        {
            Assert.True(commits.TryGetValue(clear.ProcessId!, out var committedAt), $"{clear.ProcessId} was cleared but never committed");
            Assert.True(committedAt < clear.Sequence, $"{clear.ProcessId} was cleared before its commit");
        });
    }

    [Fact]
    public async Task ABacklogOfAThousandObjects_IsDrainedWithAtMostOneRequestPerHundredObjects()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = await fixture.InstallAndBindAsync(doorbell: false);
        for (var i = 0; i < 1000; i++)
        {
            fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = $"Deal {i}" } });
        }

        await fixture.World.WhenEventsWrittenAsync(TestContext.Current.CancellationToken);
        await fixture.BindDoorbellAsync(portal);
        var requestsBefore = portal.Stats.Requests;
        fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "The one that rings" } });
        await fixture.WaitUntilDrainedAsync(portal);

        var objects = (await fixture.Mirror.ListAsync(portal.MemberId, TestContext.Current.CancellationToken)).Count;
        var requests = portal.Stats.Requests - requestsBefore;
        Assert.Equal(1001, objects);
        Assert.True(requests <= objects / 100, $"{requests} requests for {objects} objects");
    }
}
