using Bitrix24OfflineSync.Sync;

namespace Bitrix24OfflineSync.Tests.Sync;

public sealed class DrainSignalsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WakeUps_OfAQueuedPortal_QueueItOnce()
    {
        var signals = new DrainSignals();
        signals.Wake("a");
        signals.Wake("a");
        signals.Wake("b");

        Assert.Equal("a", await signals.TakeAsync(Ct));
        Assert.Equal("b", await signals.TakeAsync(Ct));
        Assert.False(signals.TakeAsync(Ct).AsTask().IsCompleted);
    }

    [Fact]
    public async Task WakeUps_DuringATurn_QueueThePortalOnceWhenTheTurnEnds()
    {
        var signals = new DrainSignals();
        signals.Wake("a");
        Assert.Equal("a", await signals.TakeAsync(Ct));

        signals.Wake("a");
        signals.Wake("a");
        var next = signals.TakeAsync(Ct).AsTask();
        Assert.False(next.IsCompleted);

        signals.Finished("a", goAgain: false);
        Assert.Equal("a", await next);
        signals.Finished("a", goAgain: false);
        Assert.False(signals.TakeAsync(Ct).AsTask().IsCompleted);
    }

    [Fact]
    public async Task ATurn_ThatAsksToGoAgain_IsQueuedAgain_AndOneThatDoesNot_LeavesThePortalIdle()
    {
        var signals = new DrainSignals();
        signals.Wake("a");
        Assert.Equal("a", await signals.TakeAsync(Ct));
        signals.Finished("a", goAgain: true);
        Assert.Equal("a", await signals.TakeAsync(Ct));
        signals.Finished("a", goAgain: false);

        // Idle again: the next wake-up queues it.
        signals.Wake("a");
        Assert.Equal("a", await signals.TakeAsync(Ct));
    }
}
