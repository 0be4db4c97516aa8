using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Generator;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Sync;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bitrix24OfflineSync.Tests.Sync;

public sealed class DrainRecoveryTests
{
    public static TheoryData<string> Phases => ["reserved", "fetched", "committed", "clearing"];

    [Theory]
    [MemberData(nameof(Phases))]
    public async Task ACrashAtAPhaseBoundary_LosesNothingWhenANewInstanceStartsOnTheSameDatabase(string phase)
    {
        // Throws once at the chosen boundary, as a process dying there would stop the round.
        var crashed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var crash = DrainProbe.AtEveryPhase(at =>
        {
            if (string.Equals(at, phase, StringComparison.OrdinalIgnoreCase) && crashed.TrySetResult())
            {
                throw new InvalidOperationException($"simulated crash after {phase}");
            }
        });
        await using var fixture = await SyncFixture.StartAsync(services: s => s.AddSingleton<IDrainProgress>(crash));
        var portal = await fixture.InstallAndBindAsync();

        new ChangeGenerator(fixture.World, portal, new ChangeGeneratorOptions { Objects = 50, Seed = 21 }).Generate(150);
        await Wait.ForAsync(crashed.Task, $"the drain has crashed at '{phase}'");
        await fixture.RestartServiceAsync();
        await fixture.WaitUntilDrainedAsync(portal);

        await MirrorAssert.MatchesEmulatorAsync(fixture, portal);
        Assert.Equal(0, portal.Queue.Count);
    }

    [Fact]
    public async Task ADroppedAnswerToAReservation_LeavesAnOrphanThatIsRecovered()
    {
        await using var fixture = await SyncFixture.StartAsync();
        var portal = await fixture.InstallAndBindAsync(doorbell: false);
        await RingWithTheReservationsAnswerLostAsync(fixture, portal, objects: 40, seed: 4);
        await fixture.WaitUntilDrainedAsync(portal);

        await MirrorAssert.MatchesEmulatorAsync(fixture, portal);
        Assert.Contains(fixture.Service.Logs.Of(1303), e => e["Source"] == "orphan scan");
    }

    [Fact]
    public async Task AReservationWhoseAnswerWasLost_IsLookedForByTheNextProcess_AtItsStart()
    {
        // Retries, polls and the doorbell's follow-up far away: the process that lost the answer does not look for the
        // orphan before it stops.
        await using var fixture = await SyncFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Sync:RetryDelay"] = "01:00:00",
            ["Sync:PollInterval"] = "01:00:00",
            ["Bitrix24:DoorbellMinTimeout"] = "3600",
        });
        var portal = await fixture.InstallAndBindAsync(doorbell: false);
        await RingWithTheReservationsAnswerLostAsync(fixture, portal, objects: 20, seed: 6);
        await Wait.UntilAsync(() => Task.FromResult(fixture.Service.Logs.Of(1302).Count > 0), "the drain failed on the lost answer");
        Assert.True(portal.Queue.Count > 0);
        Assert.Empty(fixture.Service.Logs.Of(1303));

        await fixture.RestartServiceAsync();
        await fixture.WaitUntilDrainedAsync(portal);

        await MirrorAssert.MatchesEmulatorAsync(fixture, portal);
        Assert.Contains(fixture.Service.Logs.Of(1303), e => e["Source"] == "orphan scan");
    }

    /// <summary>
    /// Changes made while no doorbell is bound, the answer to the next reservation set to be lost on its way back, then
    /// the doorbell bound and rung.
    /// </summary>
    private static async Task RingWithTheReservationsAnswerLostAsync(SyncFixture fixture, EmulatedPortal portal, int objects, int seed)
    {
        new ChangeGenerator(fixture.World, portal, new ChangeGeneratorOptions { Objects = objects, Seed = seed }).Generate(objects * 2);
        await fixture.World.WhenEventsWrittenAsync(TestContext.Current.CancellationToken);
        portal.Faults.DropNextResponses("event.offline.get");

        await fixture.BindDoorbellAsync(portal);
        fixture.World.CallAsUser(portal, "crm.lead.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "ring" } });
    }
}
