using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Crm;
using Bitrix24OfflineSync.Emulator.Generator;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Generator;

public sealed class ChangeGeneratorTests
{
    [Fact]
    public async Task Generate_FirstCreatesTheObjectsSpreadAcrossEntities()
    {
        await using var world = new BitrixWorld(new EmulatorOptions { Seed = 1 });
        var portal = world.CreatePortal("gen.bitrix24.com");
        var generator = new ChangeGenerator(world, portal, new ChangeGeneratorOptions { Objects = 10, Seed = 3 });

        generator.Generate(0);

        Assert.Equal(0, generator.ChangesMade);
        Assert.Equal(10, generator.Population);
        foreach (var type in Enum.GetValues<CrmEntityType>())
        {
            Assert.Equal(2, portal.Crm.Count(type));
        }

        Assert.Equal(2, portal.Tasks.Count);
    }

    [Fact]
    public async Task Generate_MakesTheRequestedChangesInTheMixOnExistingObjectsOnly()
    {
        await using var world = new BitrixWorld(new EmulatorOptions { Seed = 1 });
        var portal = world.CreatePortal("gen.bitrix24.com");
        var options = new ChangeGeneratorOptions { Objects = 40, Seed = 11, AddShare = 0.2, UpdateShare = 0.6, DeleteShare = 0.2 };
        var generator = new ChangeGenerator(world, portal, options);

        generator.Generate(500);

        Assert.Equal(500, generator.ChangesMade);
        Assert.Equal(500, generator.Adds + generator.Updates + generator.Deletes);
        Assert.InRange(generator.Updates, 250, 350);
        Assert.InRange(generator.Adds, 60, 140);
        Assert.InRange(generator.Deletes, 60, 140);
        Assert.InRange(generator.Population, 20, 80);
        Assert.Equal(generator.Population, StoredObjects(portal));
        Assert.Equal(40 + generator.Adds - generator.Deletes, generator.Population);
    }

    [Fact]
    public async Task Generate_SkipsObjectsSomeoneElseDeleted()
    {
        await using var world = new BitrixWorld(new EmulatorOptions { Seed = 1 });
        var portal = world.CreatePortal("gen.bitrix24.com");
        var generator = new ChangeGenerator(world, portal, new ChangeGeneratorOptions { Objects = 12, Seed = 5, Entities = ["crm.deal", "crm.contact"] });
        generator.Generate(0);
        foreach (var deal in portal.Crm.Snapshot(CrmEntityType.Deal))
        {
            world.CallAsUser(portal, "crm.deal.delete", new JsonObject { ["id"] = deal["ID"]!.GetValue<string>() });
        }

        generator.Generate(100);

        Assert.Equal(100, generator.ChangesMade);
        Assert.Equal(generator.Population, StoredObjects(portal));
    }

    [Fact]
    public async Task Generate_WithTheSameSeed_MakesTheSameChanges()
    {
        static async Task<string[]> RunAsync()
        {
            await using var world = new BitrixWorld(new EmulatorOptions { Seed = 1 });
            var portal = world.CreatePortal("gen.bitrix24.com");
            new ChangeGenerator(world, portal, new ChangeGeneratorOptions { Objects = 15, Seed = 99 }).Generate(80);
            return [.. Enum.GetValues<CrmEntityType>().SelectMany(t => portal.Crm.Snapshot(t)).Select(o => o.ToJsonString())];
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task RunAsync_PacesByTheWorldClockAndStopsQuietlyWhenCancelled()
    {
        var clock = new SteppedClock();
        await using var world = new BitrixWorld(new EmulatorOptions { Seed = 1 }, clock);
        var portal = world.CreatePortal("gen.bitrix24.com");
        var generator = new ChangeGenerator(world, portal, new ChangeGeneratorOptions { Objects = 5, ChangesPerSecond = 10, Seed = 2 });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = generator.RunAsync(cts.Token);
        clock.Advance(TimeSpan.FromSeconds(2));

        // The generator offers no signal per change; its ticks run on real timers, so watch the counter.
        await Wait.UntilAsync(() => generator.ChangesMade >= 20, "the generator has made two seconds' worth of changes (20)", TimeSpan.FromSeconds(30));

        await cts.CancelAsync();
        await run;

        // The clock stood still after two seconds, so no more than two seconds' worth of changes were made.
        Assert.Equal(20, generator.ChangesMade);
    }

    private static int StoredObjects(EmulatedPortal portal) =>
        Enum.GetValues<CrmEntityType>().Sum(portal.Crm.Count) + portal.Tasks.Count;

    /// <summary>A clock whose elapsed time moves only when told; its timers are real, so pacing ticks keep running.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
