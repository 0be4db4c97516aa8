using Bitrix24OfflineSync.Emulator.Tests.Infrastructure;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Emulator.Tests.Events;

public sealed class DoorbellTests
{
    [Fact]
    public async Task Doorbell_IsPostedFormEncodedWithTheRealKeys()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        await emulator.Client.ResultAsync("event.bind", $$"""{"event":"ONOFFLINEEVENT","handler":"{{receiver.Url("/bell")}}"}""");

        emulator.RaiseAsUser(1);
        var bell = await receiver.NextAsync();

        Assert.StartsWith("application/x-www-form-urlencoded", bell.ContentType, StringComparison.Ordinal);
        Assert.Equal("ONOFFLINEEVENT", bell["event"]);
        Assert.Equal(emulator.Portal.Bindings.All.Single(b => b.EventName == "ONOFFLINEEVENT").Id.ToString(System.Globalization.CultureInfo.InvariantCulture), bell["event_handler_id"]);
        Assert.True(long.TryParse(bell["ts"], out _));
        Assert.DoesNotContain(bell.Form.Keys, k => k.StartsWith("data", StringComparison.Ordinal));
        Assert.Equal(emulator.Portal.Domain, bell["auth[domain]"]);
        Assert.Equal(emulator.Portal.MemberId, bell["auth[member_id]"]);
        Assert.Equal(emulator.Portal.ClientEndpoint.ToString(), bell["auth[client_endpoint]"]);
        Assert.Equal(emulator.Portal.Installation(emulator.World.DefaultApp)!.ApplicationToken, bell["auth[application_token]"]);
        Assert.Equal("3600", bell["auth[expires_in]"]);
        Assert.Equal("L", bell["auth[status]"]);
        Assert.NotNull(bell["auth[server_endpoint]"]);
        Assert.NotNull(bell["auth[scope]"]);
        Assert.NotNull(bell["auth[refresh_token]"]);
        using var withBellToken = EmulatorHarness.ClientFor(emulator.Portal, bell["auth[access_token]"]!);
        (await withBellToken.CallAsync("feature.get", """{"CODE":"rest_offline_extended"}""")).EnsureSuccess();
    }

    [Fact]
    public async Task Doorbell_TokensDoNotReplaceTheClientsStoredTokens()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        await emulator.Client.ResultAsync("event.bind", $$"""{"event":"ONOFFLINEEVENT","handler":"{{receiver.Url("/bell")}}"}""");
        var before = emulator.World.OAuth.LastIssued(emulator.Portal, emulator.World.DefaultApp);

        emulator.RaiseAsUser(1);
        var bell = await receiver.NextAsync();

        Assert.Equal(before, emulator.World.OAuth.LastIssued(emulator.Portal, emulator.World.DefaultApp));
        Assert.NotEqual(before!.AccessToken, bell["auth[access_token]"]);
        (await emulator.Client.CallAsync("feature.get", """{"CODE":"x"}""")).EnsureSuccess();
    }

    [Fact]
    public async Task Doorbell_WithinMinTimeout_IsDroppedAndAfterTheWindowIsSent()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var receiver = await HttpReceiver.StartAsync();
        // The fake clock moves only when told: rows are written at once instead of a write delay later.
        await using var emulator = await QueueKit.StartAsync(o => o.OfflineWriteDelay = TimeSpan.Zero, time);
        await emulator.Client.BindOfflineAsync();
        await emulator.Client.ResultAsync("event.bind", $$$"""{"event":"ONOFFLINEEVENT","handler":"{{{receiver.Url("/bell")}}}","options":{"minTimeout":10}}""");

        emulator.RaiseAsUser(1);
        await receiver.NextAsync();
        time.Advance(TimeSpan.FromSeconds(9));
        emulator.RaiseAsUser(2);
        await emulator.World.WhenDeliveriesIdleAsync(TestContext.Current.CancellationToken);

        Assert.False(receiver.TryTake(out _));
        Assert.True(emulator.Portal.Deliveries.Of("ONOFFLINEEVENT")[^1].Suppressed);
        Assert.Equal(2, emulator.Portal.Queue.Depth(emulator.World.DefaultApp));

        time.Advance(TimeSpan.FromSeconds(1));
        emulator.RaiseAsUser(3);
        var late = await receiver.NextAsync();
        Assert.Equal("ONOFFLINEEVENT", late["event"]);
    }

    [Fact]
    public async Task Doorbell_ForAnAppWhoseOwnChangeWasSkipped_IsNotSent()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.BindOfflineAsync();
        await emulator.Client.ResultAsync("event.bind", $$"""{"event":"ONOFFLINEEVENT","handler":"{{receiver.Url("/bell")}}"}""");

        await emulator.Client.RaiseAsync(1);
        await emulator.World.WhenDeliveriesIdleAsync(TestContext.Current.CancellationToken);

        Assert.False(receiver.TryTake(out _));
        Assert.Empty(emulator.Portal.Deliveries.Records);
    }

    [Fact]
    public async Task OnlineEvent_IsDeliveredWithDataAndWithoutRefreshToken()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.ResultAsync("event.bind", $$"""{"event":"ONCRMDEALUPDATE","handler":"{{receiver.Url("/deal")}}"}""");

        emulator.RaiseAsUser(759);
        var delivery = await receiver.NextAsync();

        Assert.Equal("/deal", delivery.Path);
        Assert.Equal("ONCRMDEALUPDATE", delivery["event"]);
        Assert.Equal("759", delivery["data[FIELDS][ID]"]);
        Assert.NotNull(delivery["auth[access_token]"]);
        Assert.Null(delivery["auth[refresh_token]"]);
        await emulator.World.WhenDeliveriesIdleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(200, Assert.Single(emulator.Portal.Deliveries.Records).StatusCode);
    }

    [Fact]
    public async Task Delivery_ToAnUnreachableHandler_IsLoggedAsFailedAndNotRetried()
    {
        await using var emulator = await QueueKit.StartAsync();
        await emulator.Client.ResultAsync("event.bind", """{"event":"ONCRMDEALUPDATE","handler":"http://127.0.0.1:1/deal"}""");

        emulator.RaiseAsUser(1);
        await emulator.World.WhenDeliveriesIdleAsync(TestContext.Current.CancellationToken);

        var record = Assert.Single(emulator.Portal.Deliveries.Records);
        Assert.Null(record.StatusCode);
        Assert.NotNull(record.Failure);
    }
}
