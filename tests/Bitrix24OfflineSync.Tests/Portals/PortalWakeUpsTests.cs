using Bitrix24OfflineSync.Portals;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Portals;

public sealed class PortalWakeUpsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WakeUps_OfAQueuedPortal_QueueItOnce()
    {
        var wakeUps = new PortalWakeUps(TimeProvider.System);
        wakeUps.Wake("a");
        wakeUps.Wake("a");
        wakeUps.Wake("b");

        Assert.Equal("a", await wakeUps.TakeAsync(Ct));
        Assert.Equal("b", await wakeUps.TakeAsync(Ct));
        Assert.False(wakeUps.TakeAsync(Ct).AsTask().IsCompleted);
    }

    [Fact]
    public async Task WakeUps_DuringATurn_QueueThePortalOnceWhenTheTurnEnds()
    {
        var wakeUps = new PortalWakeUps(TimeProvider.System);
        wakeUps.Wake("a");
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));

        wakeUps.Wake("a");
        wakeUps.Wake("a");
        var next = wakeUps.TakeAsync(Ct).AsTask();
        Assert.False(next.IsCompleted);

        wakeUps.Finished("a", goAgain: false, TimeSpan.Zero);
        Assert.Equal("a", await next);
        wakeUps.Finished("a", goAgain: false, TimeSpan.Zero);
        Assert.False(wakeUps.TakeAsync(Ct).AsTask().IsCompleted);
    }

    [Fact]
    public async Task ATurn_ThatAsksToGoAgain_IsQueuedAgain_AndOneThatDoesNot_LeavesThePortalIdle()
    {
        var wakeUps = new PortalWakeUps(TimeProvider.System);
        wakeUps.Wake("a");
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));
        wakeUps.Finished("a", goAgain: true, TimeSpan.Zero);
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));
        wakeUps.Finished("a", goAgain: false, TimeSpan.Zero);

        // Idle again: the next wake-up queues it.
        wakeUps.Wake("a");
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));
    }

    [Fact]
    public async Task APortalWokenWhileItRests_IsQueuedWhenTheRestEnds_AndOneNotWoken_LeavesTheChannel()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var wakeUps = new PortalWakeUps(time);
        wakeUps.Wake("a");
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));
        wakeUps.Finished("a", goAgain: false, TimeSpan.FromSeconds(6));

        wakeUps.Wake("a");
        wakeUps.Wake("a");
        var next = wakeUps.TakeAsync(Ct).AsTask();
        time.Advance(TimeSpan.FromSeconds(5.9));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("a", await next);

        // Rested without a wake-up: idle, and the next wake-up queues it at once.
        wakeUps.Finished("a", goAgain: false, TimeSpan.FromSeconds(6));
        time.Advance(TimeSpan.FromSeconds(6));
        wakeUps.Wake("a");
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));
    }

    [Fact]
    public async Task ATurnThatLeftABacklog_GoesOnWithoutResting()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var wakeUps = new PortalWakeUps(time);
        wakeUps.Wake("a");
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));
        wakeUps.Finished("a", goAgain: true, TimeSpan.FromSeconds(6));
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));
    }

    [Fact]
    public async Task AFollowUp_WakesThePortalAfterItsDelay_MovedLaterByLaterDoorbells()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var wakeUps = new PortalWakeUps(time);
        wakeUps.WakeAgainAfter("a", TimeSpan.FromSeconds(2));
        time.Advance(TimeSpan.FromSeconds(1));
        wakeUps.WakeAgainAfter("a", TimeSpan.FromSeconds(2));

        var next = wakeUps.TakeAsync(Ct).AsTask();
        time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal("a", await next);

        // Fired once: nothing more comes.
        wakeUps.Finished("a", goAgain: false, TimeSpan.Zero);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(wakeUps.TakeAsync(Ct).AsTask().IsCompleted);
    }
}
