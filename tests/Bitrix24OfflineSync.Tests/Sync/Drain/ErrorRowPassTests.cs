using Bitrix24OfflineSync.Sync;
using Bitrix24OfflineSync.Sync.Drain;
using Bitrix24OfflineSync.Sync.Turns;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Tests.Sync.Drain;

/// <summary>
/// The pass over the error rows when it falls due: a request with <c>error=1</c> only for a portal whose rows this
/// service marked (by any replica) and no pass has found empty since.
/// </summary>
public sealed class ErrorRowPassTests
{
    [Fact]
    public async Task APortalWithNoRowsMarked_IsNotAskedForErrorRows_AndItsPassWaitsLonger()
    {
        using var kit = new RoundKit();
        var (pass, schedule) = Due(kit);

        var outcome = await pass.AfterRoundsAsync(kit.Turn, schedule, TurnResult.None);

        Assert.Empty(kit.Queue.Requests);
        Assert.False(outcome.PlanRefused);
        Assert.Equal(kit.Clock.GetUtcNow() + ErrorRowPass.LongestDelay, schedule.ErrorPassDue);
    }

    [Fact]
    public async Task RowsAnotherReplicaMarked_GetThePass_AndAPassThatFindsNoneRemovesTheNote()
    {
        using var kit = new RoundKit();
        var marked = ResolutionKit.Crm("ONCRMDEALUPDATE", 7);
        kit.Queue.Add(marked);
        var held = await kit.ReserveAsync();
        await kit.Queue.MarkErrorAsync("m1", held.Reservations[0].ProcessId, [marked.MessageId], TestContext.Current.CancellationToken);
        kit.Journal.ErrorRows = true;
        kit.Queue.Requests.Clear();
        var (pass, schedule) = Due(kit);

        var first = await pass.AfterRoundsAsync(kit.Turn, schedule, TurnResult.None);

        Assert.Equal([true], kit.Queue.Requests);
        Assert.Equal(1, first.Result.Objects);
        Assert.Empty(kit.Queue.Rows);
        Assert.True(kit.Journal.ErrorRows);

        kit.Clock.Advance(schedule.ErrorPassDue - kit.Clock.GetUtcNow());
        await pass.AfterRoundsAsync(kit.Turn, schedule, TurnResult.None);

        Assert.Equal([true, true], kit.Queue.Requests);
        Assert.False(kit.Journal.ErrorRows);
    }

    [Fact]
    public async Task AReplayAnOperatorAskedFor_GetsThePassThoughNoRowsWereMarked()
    {
        using var kit = new RoundKit();
        var (pass, schedule) = Due(kit);
        schedule.ErrorPassDue = kit.Clock.GetUtcNow().AddHours(1);
        var replay = new TurnContext(kit.Turn.Portal, kit.Turn.Lease, kit.Get<Bitrix24OfflineSync.Sync.Leases.DrainTurnLease>(), replayRequested: true);

        await pass.AfterRoundsAsync(replay, schedule, TurnResult.None);

        Assert.Equal([true], kit.Queue.Requests);
    }

    /// <summary>The pass as the service wires it, and a schedule whose pass is due now.</summary>
    private static (ErrorRowPass Pass, PortalSchedule Schedule) Due(RoundKit kit) =>
        (new ErrorRowPass(kit.Round, kit.Journal, kit.Get<IOptions<SyncOptions>>(), kit.Clock),
         new PortalSchedule { ErrorPassDue = kit.Clock.GetUtcNow(), ErrorPassDelay = ErrorRowPass.LongestDelay });
}
