using Bitrix24OfflineSync.Portals;

namespace Bitrix24OfflineSync.Tests.Portals;

public sealed class PortalWakeUpsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WakeUps_OfAQueuedPortal_QueueItOnce()
    {
        var wakeUps = new PortalWakeUps();
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
        var wakeUps = new PortalWakeUps();
        wakeUps.Wake("a");
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));

        wakeUps.Wake("a");
        wakeUps.Wake("a");
        var next = wakeUps.TakeAsync(Ct).AsTask();
        Assert.False(next.IsCompleted);

        wakeUps.Finished("a", goAgain: false);
        Assert.Equal("a", await next);
        wakeUps.Finished("a", goAgain: false);
        Assert.False(wakeUps.TakeAsync(Ct).AsTask().IsCompleted);
    }

    [Fact]
    public async Task ATurn_ThatAsksToGoAgain_IsQueuedAgain_AndOneThatDoesNot_LeavesThePortalIdle()
    {
        var wakeUps = new PortalWakeUps();
        wakeUps.Wake("a");
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));
        wakeUps.Finished("a", goAgain: true);
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));
        wakeUps.Finished("a", goAgain: false);

        // Idle again: the next wake-up queues it.
        wakeUps.Wake("a");
        Assert.Equal("a", await wakeUps.TakeAsync(Ct));
    }
}
