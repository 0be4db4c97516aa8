using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sync;
using Bitrix24OfflineSync.Sync.Scheduling;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Sync;

public sealed class DoorbellSchedulingTests
{
    private static void AddDeal(SyncFixture fixture, Bitrix24OfflineSync.Emulator.Portals.EmulatedPortal portal, string title) =>
        fixture.World.CallAsUser(portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = title } });

    [Fact]
    public async Task ADoorbellDuringADrain_MakesTheDrainGoRoundAgain()
    {
        SyncFixture? fixture = null;
        // Right after the first fetch, while that drain is still going, a deal is added and its doorbell delivered.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var duringDrain = new DrainProbe
        {
            OnFetched = (_, _) =>
            {
                if (done.Task.IsCompleted)
                {
                    return;
                }

                AddDeal(fixture!, fixture!.World.Portal("shop.bitrix24.com"), "added while draining");
                Wait.For(
                    fixture.World.WhenDeliveriesIdleAsync(TestContext.Current.CancellationToken),
                    "the doorbell for the deal added during the drain was delivered",
                    TimeSpan.FromSeconds(30));
                done.TrySetResult();
            },
        };
        fixture = await SyncFixture.StartAsync(
            new Dictionary<string, string?> { ["Sync:PollInterval"] = "01:00:00" },
            services: s => s.AddSingleton<IDrainProgress>(duringDrain));
        await using var _ = fixture;
        var portal = await fixture.InstallAndBindAsync();

        AddDeal(fixture, portal, "first");
        await Wait.ForAsync(done.Task, "the first drain has fetched and the deal was added during it", TimeSpan.FromSeconds(30));
        await fixture.WaitUntilDrainedAsync(portal);

        var titles = (await fixture.Mirror.ListAsync(portal.MemberId, TestContext.Current.CancellationToken))
            .Select(r => JsonNode.Parse(r.State!)!["TITLE"]!.ToString()).Order().ToList();
        Assert.Equal(["added while draining", "first"], titles);
    }

    [Fact]
    public async Task DoorbellsSuppressedByMinTimeout_AreCaughtByTheSafetyNetPoll()
    {
        // The service and the emulator share a fake clock: the poll comes when the test moves the clock an interval on.
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var fixture = await SyncFixture.StartAsync(new Dictionary<string, string?> { ["Sync:PollInterval"] = "00:10:00" }, time: clock);
        var portal = await fixture.InstallAndBindAsync(minTimeout: 3600);

        AddDeal(fixture, portal, "rings");
        await fixture.WaitUntilDrainedAsync(portal);
        var scheduler = fixture.Service.Get<DrainScheduler>();
        await Wait.UntilAsync(() => scheduler.InFlight == 0, "the doorbell's turn has ended");
        AddDeal(fixture, portal, "suppressed one");
        AddDeal(fixture, portal, "suppressed two");
        await fixture.World.WhenDeliveriesIdleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, portal.Queue.Depth(fixture.World.DefaultApp, error: false));

        clock.Advance(TimeSpan.FromMinutes(11));
        await fixture.WaitUntilDrainedAsync(portal);

        Assert.Equal(2, portal.Deliveries.Records.Count(r => r.Suppressed));
        Assert.Equal(3, (await fixture.Mirror.ListAsync(portal.MemberId, TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task AChangeInsideTheWindowOfADoorbell_WhoseOwnDoorbellBitrix24Drops_ReachesTheMirrorWithoutThePoll()
    {
        await using var fixture = await SyncFixture.StartAsync(new Dictionary<string, string?>
        {
            ["Sync:PollInterval"] = "01:00:00",
            ["Bitrix24:DoorbellMinTimeout"] = "5",
        });
        var portal = await fixture.InstallAndBindAsync(minTimeout: 5);

        AddDeal(fixture, portal, "rings");
        await fixture.WaitUntilDrainedAsync(portal);
        AddDeal(fixture, portal, "inside the window");
        await fixture.World.WhenDeliveriesIdleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, portal.Deliveries.Records.Count(r => r.EventName == "ONOFFLINEEVENT" && r.Suppressed));

        await fixture.WaitUntilDrainedAsync(portal);
        Assert.Equal(2, (await fixture.Mirror.ListAsync(portal.MemberId, TestContext.Current.CancellationToken)).Count);
    }
}
