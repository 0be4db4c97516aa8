using Bitrix24OfflineSync.Sync.Scheduling;
using Bitrix24OfflineSync.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Bitrix24OfflineSync.Tests.Sync.Scheduling;

public sealed class DrainSchedulerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WakeUps_OfAQueuedPortal_QueueItOnce()
    {
        using var wakeUps = new DrainScheduler(TimeProvider.System);
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
        using var wakeUps = new DrainScheduler(TimeProvider.System);
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
        using var wakeUps = new DrainScheduler(TimeProvider.System);
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
        using var wakeUps = new DrainScheduler(time);
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
        using var wakeUps = new DrainScheduler(time);
        wakeUps.Wake("a");
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));
        wakeUps.Finished("a", goAgain: true, TimeSpan.FromSeconds(6));
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));
    }

    [Fact]
    public async Task AFollowUp_WakesThePortalAfterItsDelay_MovedLaterByLaterDoorbells()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        using var wakeUps = new DrainScheduler(time);
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

    [Fact]
    public async Task APortalWithNews_GoesBeforeThoseTheSafetyNetAsked_WhateverTheOrderTheyCameIn()
    {
        using var scheduler = new DrainScheduler(TimeProvider.System);
        for (var i = 0; i < 100; i++)
        {
            scheduler.Wake($"swept{i}", ReadyLine.Background);
        }

        scheduler.Wake("rung");
        Assert.Equal(100, scheduler.ReadyIn(ReadyLine.Background));
        Assert.Equal(1, scheduler.ReadyIn(ReadyLine.Urgent));
        Assert.Equal("rung", await scheduler.TakeAsync(Ct));
        Assert.Equal("swept0", await scheduler.TakeAsync(Ct));
    }

    [Fact]
    public async Task APortalReadyInTheBackground_ThatIsRung_MovesToTheUrgentLine_AndIsTakenOnce()
    {
        using var scheduler = new DrainScheduler(TimeProvider.System);
        scheduler.Wake("a", ReadyLine.Background);
        scheduler.Wake("b", ReadyLine.Background);
        scheduler.Wake("b");

        Assert.Equal("b", await scheduler.TakeAsync(Ct));
        Assert.Equal("a", await scheduler.TakeAsync(Ct));
        Assert.False(scheduler.TakeAsync(Ct).AsTask().IsCompleted);
        Assert.Equal(0, scheduler.ReadyIn(ReadyLine.Background));
    }

    [Fact]
    public async Task TheSafetyNetAskingDuringATurn_CostsNoSecondTurn_ButADoorbellDoes()
    {
        using var scheduler = new DrainScheduler(TimeProvider.System);
        scheduler.Wake("a");
        Assert.Equal("a", await scheduler.TakeAsync(Ct));
        scheduler.Wake("a", ReadyLine.Background);
        Assert.False(scheduler.WokenDuringTurn("a"));
        scheduler.Finished("a", goAgain: false, TimeSpan.Zero);
        // One taker, as the worker has: the take left waiting here is the one the next portal goes to.
        var next = scheduler.TakeAsync(Ct).AsTask();
        Assert.False(next.IsCompleted);

        scheduler.Wake("b");
        Assert.Equal("b", await next);
        scheduler.Wake("b");
        Assert.True(scheduler.WokenDuringTurn("b"));
        scheduler.Finished("b", goAgain: false, TimeSpan.Zero);
        Assert.Equal("b", await scheduler.TakeAsync(Ct));
    }

    [Fact]
    public async Task DueTimes_WakeThePortalsWhenTheyFallDue_InTheirOrder_TheEarliestOfAKindWinning()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        using var scheduler = new DrainScheduler(time);
        scheduler.WakeAt("retry", DueReason.Retry, time.GetUtcNow() + TimeSpan.FromSeconds(30));
        scheduler.WakeAt("retry", DueReason.Retry, time.GetUtcNow() + TimeSpan.FromSeconds(10));
        scheduler.WakeAt("retry", DueReason.Retry, time.GetUtcNow() + TimeSpan.FromSeconds(20));
        scheduler.WakeAt("check", DueReason.DriftCheck, time.GetUtcNow() + TimeSpan.FromMinutes(5));
        Assert.Equal(2, scheduler.TimersPending);

        var next = scheduler.TakeAsync(Ct).AsTask();
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("retry", await next);
        scheduler.Finished("retry", goAgain: false, TimeSpan.Zero);

        next = scheduler.TakeAsync(Ct).AsTask();
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("check", await next);
        Assert.Equal(0, scheduler.TimersPending);
    }
}
