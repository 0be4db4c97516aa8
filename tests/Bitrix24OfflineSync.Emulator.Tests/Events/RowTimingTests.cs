using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Events;

/// <summary>
/// When a change's offline rows, doorbells and online events appear (bitrix24-api.md §14): in a background step after
/// the answer that caused them, so a client can never count on them being there when its own call returns.
/// </summary>
public sealed class RowTimingTests
{
    // Long enough that "not there yet" right after an answer is not a race, short enough to wait out.
    private static readonly TimeSpan LongDelay = TimeSpan.FromSeconds(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChangeThroughRest_IsNotQueuedNorRungNorDeliveredWhenItsAnswerArrives_ButSoonAfter()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await QueueKit.StartAsync(o => o.OfflineWriteDelay = LongDelay);
        await emulator.Client.BindOfflineAsync();
        await emulator.Client.ResultAsync("event.bind", $$"""{"event":"ONOFFLINEEVENT","handler":"{{receiver.Url("/bell")}}"}""");
        await emulator.Client.ResultAsync("event.bind", $$"""{"event":"ONCRMDEALUPDATE","handler":"{{receiver.Url("/deal")}}"}""");

        await emulator.Client.RaiseAsync(1, connector: "elsewhere");
        var depthWhenAnswered = emulator.Portal.Queue.Depth(emulator.World.DefaultApp);
        var deliveriesWhenAnswered = emulator.Portal.Deliveries.Records.Count;
        await emulator.WrittenAsync();
        var depthWhenWritten = emulator.Portal.Queue.Depth(emulator.World.DefaultApp);
        await emulator.World.WhenDeliveriesIdleAsync(Ct);

        Assert.Equal(0, depthWhenAnswered);
        Assert.Equal(0, deliveriesWhenAnswered);
        Assert.Equal(1, depthWhenWritten);
        Assert.Equal(["ONCRMDEALUPDATE", "ONOFFLINEEVENT"], emulator.Portal.Deliveries.Records.Select(r => r.EventName).Order());
    }

    [Fact]
    public async Task CallAsUser_ReturnsBeforeItsRowIsWritten_AndWhenEventsWrittenAsyncWaitsForIt()
    {
        await using var emulator = await QueueKit.StartAsync(o => o.OfflineWriteDelay = LongDelay);
        await emulator.Client.BindOfflineAsync("ONCRMDEALADD");

        emulator.World.CallAsUser(emulator.Portal, "crm.deal.add", new JsonObject { ["fields"] = new JsonObject { ["TITLE"] = "New" } });
        var depthWhenReturned = emulator.Portal.Queue.Depth(emulator.World.DefaultApp);
        await emulator.WrittenAsync();

        Assert.Equal(0, depthWhenReturned);
        Assert.Equal("ONCRMDEALADD", Assert.Single(emulator.Portal.Queue.Snapshot()).EventName);
    }

    [Fact]
    public async Task Doorbell_GoesOutOnlyOnceTheRowsExist()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        await emulator.Client.ResultAsync("event.bind", $$"""{"event":"ONOFFLINEEVENT","handler":"{{receiver.Url("/bell")}}"}""");

        emulator.RaiseAsUser(1);
        await receiver.NextAsync();

        Assert.Equal(1, emulator.Portal.Queue.Depth(emulator.World.DefaultApp));
    }

    [Fact]
    public async Task RowsOfOnePortal_AreWrittenInTheOrderItsChangesWereMade()
    {
        await using var emulator = await QueueKit.StartAsync(o => o.OfflineWriteDelay = TimeSpan.FromMilliseconds(5));
        await emulator.Client.BindOfflineAsync();

        for (var id = 1; id <= 200; id++)
        {
            emulator.RaiseAsUser(id);
        }

        await emulator.WrittenAsync();

        var rows = emulator.Portal.Queue.Snapshot();
        Assert.Equal(Enumerable.Range(1, 200), rows.Select(r => r.EventData!["FIELDS"]!["ID"]!.GetValue<int>()));
    }

    [Fact]
    public async Task AChangeMadeBeforeABinding_IsNotQueuedByTheBindingMadeWhileItsRowWasDue()
    {
        await using var emulator = await QueueKit.StartAsync(o => o.OfflineWriteDelay = LongDelay);

        emulator.RaiseAsUser(1);
        await emulator.Client.BindOfflineAsync();
        await emulator.WrittenAsync();

        Assert.Equal(0, emulator.Portal.Queue.Count);
    }

    [Fact]
    public async Task Disposal_WaitsForTheRowsStillDue()
    {
        var emulator = await QueueKit.StartAsync(o => o.OfflineWriteDelay = TimeSpan.FromMilliseconds(300));
        await emulator.Client.BindOfflineAsync();

        emulator.RaiseAsUser(1);
        await emulator.DisposeAsync();

        Assert.Equal(1, emulator.Portal.Queue.Depth(emulator.World.DefaultApp));
    }
}
