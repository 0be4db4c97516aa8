using System.Text.Json.Nodes;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Bitrix24OfflineSync.Tests.Sinks;

namespace Bitrix24OfflineSync.Tests.Sync;

public sealed class HttpSinkOutageTests
{
    [Fact]
    public async Task AnHttpSinkDownForAWhile_GetsNothingClearedMeanwhileAndEverythingAfter()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.DefaultStatus = 503;
        var secret = HttpSinkKit.NewSecret();
        var settings = HttpSinkKit.Settings(new Uri(receiver.BaseAddress, "hooks"), secret, maxAttempts: 2);
        settings["Sink:RetryBaseDelay"] = "00:00:00.010";
        settings["Sink:RetryMaxDelay"] = "00:00:00.020";
        settings["Sync:RetryDelay"] = "00:00:00.100";
        await using var fixture = await SyncFixture.StartAsync(settings);
        var portal = await fixture.InstallAndBindAsync();

        for (var i = 0; i < 30; i++)
        {
            fixture.World.CallAsUser(portal, "crm.contact.add", new JsonObject { ["fields"] = new JsonObject { ["NAME"] = $"Contact {i}" } });
        }

        await fixture.World.WhenEventsWrittenAsync(TestContext.Current.CancellationToken);

        // While the sink refuses, deliveries are attempted and nothing is cleared.
        var refused = 0;
        await Wait.UntilAsync(() => (refused += receiver.TakeAll().Count) >= 4, "the refusing sink has been asked four times");

        Assert.DoesNotContain(portal.Stats.CallLog, e => e.Method == "event.offline.clear");
        Assert.Equal(30, portal.Queue.Count);

        receiver.DefaultStatus = 200;
        await fixture.WaitUntilDrainedAsync(portal);

        var delivered = receiver.TakeAll().Where(d => StandardWebhook.SignatureIsValid(d, secret)).SelectMany(HttpSinkKit.ChangeIds).ToHashSet();
        var expected = portal.Crm.Snapshot(Bitrix24OfflineSync.Emulator.Crm.CrmEntityType.Contact).Select(c => c["ID"]!.ToString()).ToHashSet();
        Assert.Subset(delivered, expected);
        Assert.Equal(0, portal.Queue.Count);
    }
}
