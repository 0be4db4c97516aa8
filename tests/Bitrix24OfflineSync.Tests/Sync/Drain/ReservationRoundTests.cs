using System.Net;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Sync.Leases;
using Bitrix24OfflineSync.Sync.Model;
using Bitrix24OfflineSync.Sync.Turns;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Tests.Sync.Drain;

/// <summary>
/// One reservation round against a queue, journal and sink in memory: what it records, commits, clears and keeps, and
/// how it stops when a method is paused, a clear fails, the plan refuses or the lease is lost.
/// </summary>
public sealed class ReservationRoundTests
{
    private static readonly DateTimeOffset ResetAt = TestClock.Start.AddHours(1);

    [Fact]
    public async Task Reserve_RecordsOnlyTheReservationsHoldingRows()
    {
        using var kit = new RoundKit();
        kit.Queue.Add(Deal("ONCRMDEALADD", 1), Deal("ONCRMDEALADD", 2), Deal("ONCRMDEALADD", 3));

        var reserved = await kit.ReserveAsync(gets: 3, limit: 2);

        Assert.Equal(["p1", "p2"], reserved.Reservations.Select(r => r.ProcessId));
        Assert.Equal(["p1", "p2"], kit.Journal.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.False(reserved.PlanRefused);
        Assert.Equal(TurnResult.None, reserved.Result);
    }

    [Fact]
    public async Task CommitThenClear_ClearsEveryReservationWholeAndMarksItDone()
    {
        using var kit = new RoundKit();
        kit.Queue.Add(Deal("ONCRMDEALADD", 1), Deal("ONCRMDEALUPDATE", 1), Deal("ONCRMDEALADD", 2));
        var reserved = await kit.ReserveAsync(gets: 2, limit: 2);

        var result = await kit.Round.ProcessAsync(kit.Turn, reserved.Reservations);

        Assert.Empty(kit.Queue.Rows);
        Assert.All(kit.Queue.Clears, c => Assert.True(c.Whole));
        Assert.Equal(["p1", "p2"], kit.Journal.Done.Order(StringComparer.Ordinal));
        Assert.Equal(3, result.Events);
        Assert.Equal(2, result.Objects);
        Assert.Null(result.PausedUntil);
        Assert.Equal(2, Assert.Single(kit.Sink.Batches).Changes.Count);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(RoundKit.MaxItemAttempts - 2, false)]
    [InlineData(RoundKit.MaxItemAttempts - 1, true)]
    public async Task AnObjectThatFails_KeepsItsRowsBelowTheLimitAndIsDeadLetteredAtIt(int failedBefore, bool poison)
    {
        using var kit = new RoundKit();
        var failing = Deal("ONCRMDEALUPDATE", 7);
        var other = Deal("ONCRMDEALUPDATE", 8);
        kit.Queue.Add(failing, other);
        kit.Resolver.Failing.Add("7");
        kit.Failures.Failures[failing.MessageId] = failedBefore;
        var reserved = await kit.ReserveAsync();

        var result = await kit.Round.ProcessAsync(kit.Turn, reserved.Reservations);

        var entry = kit.Journal.Entries["p1"];
        Assert.Equal(poison, result.MarkedErrorRows);
        Assert.Equal(poison, kit.Journal.ErrorRows);
        Assert.Equal(1, result.Objects);
        if (poison)
        {
            Assert.Equal(failing.MessageId, Assert.Single(kit.Failures.DeadLetters).MessageId);
            Assert.Equal([failing], kit.Queue.ErrorRows);
            Assert.True(Assert.Single(kit.Queue.Clears).Whole);
            Assert.True(entry.Done);
        }
        else
        {
            Assert.Empty(kit.Failures.DeadLetters);
            Assert.Equal([failing], kit.Queue.Reserved("p1"));
            Assert.Equal([other.MessageId], Assert.Single(kit.Queue.Clears).MessageIds);
            Assert.False(entry.Done);
            Assert.Equal(kit.Clock.GetUtcNow() + RoundKit.RetryDelay, entry.NextAttemptAt);
        }
    }

    [Fact]
    public async Task APausedObject_KeepsItsRowsAndPausesTheRoundUntilItsReset()
    {
        using var kit = new RoundKit();
        var paused = Deal("ONCRMDEALUPDATE", 7);
        kit.Queue.Add(paused, Deal("ONCRMDEALUPDATE", 8));
        kit.Resolver.Paused["7"] = ResetAt;
        var reserved = await kit.ReserveAsync();

        var result = await kit.Round.ProcessAsync(kit.Turn, reserved.Reservations);

        Assert.Equal(ResetAt, result.PausedUntil);
        Assert.Equal([paused], kit.Queue.Reserved("p1"));
        Assert.Empty(kit.Failures.Failures);
        Assert.Equal(ResetAt, kit.Journal.Entries["p1"].NextAttemptAt);
        Assert.False(kit.Journal.Entries["p1"].Done);
    }

    [Fact]
    public async Task AResolverPaused_PostponesTheRoundAndClearsNothing()
    {
        using var kit = new RoundKit();
        kit.Queue.Add(Deal("ONCRMDEALUPDATE", 7));
        kit.Resolver.PausedUntil = ResetAt;
        var reserved = await kit.ReserveAsync();

        var result = await kit.Round.ProcessAsync(kit.Turn, reserved.Reservations);

        Assert.Equal(ResetAt, result.PausedUntil);
        Assert.Empty(kit.Queue.Clears);
        Assert.Single(kit.Queue.Reserved("p1"));
        Assert.Empty(kit.Sink.Batches);
        Assert.Equal(ResetAt, kit.Journal.Entries["p1"].NextAttemptAt);
    }

    [Fact]
    public async Task AClearPaused_PausesTheRoundAndPostponesAllItsReservations()
    {
        using var kit = new RoundKit();
        kit.Queue.Add(Deal("ONCRMDEALUPDATE", 7), Deal("ONCRMDEALUPDATE", 8));
        var reserved = await kit.ReserveAsync(gets: 2, limit: 1);
        kit.Queue.ClearsPausedUntil = ResetAt;

        var result = await kit.Round.ProcessAsync(kit.Turn, reserved.Reservations);

        Assert.Equal(ResetAt, result.PausedUntil);
        Assert.Equal(2, kit.Queue.Rows.Count);
        Assert.Empty(kit.Journal.Done);
        Assert.All(kit.Journal.Entries.Values, e => Assert.Equal(ResetAt, e.NextAttemptAt));
    }

    [Fact]
    public async Task AClearThatFails_ThrowsAndMarksNothingDone()
    {
        using var kit = new RoundKit();
        kit.Queue.Add(Deal("ONCRMDEALUPDATE", 7));
        var reserved = await kit.ReserveAsync();
        kit.Queue.ClearsError = new BitrixError("ERROR_CORE", "internal error", HttpStatusCode.InternalServerError);

        await Assert.ThrowsAsync<BitrixApiException>(() => kit.Round.ProcessAsync(kit.Turn, reserved.Reservations));

        Assert.Single(kit.Queue.Reserved("p1"));
        Assert.Empty(kit.Journal.Done);
    }

    [Fact]
    public async Task WrongLicenseOnAReservationHoldingNothing_RefusesThePlanAndTellsIt()
    {
        using var kit = new RoundKit();
        kit.Queue.Add(Deal("ONCRMDEALUPDATE", 7));
        kit.Queue.GetsError = new BitrixError("WRONG_LICENSE", "the plan lacks rest_offline_extended", HttpStatusCode.Unauthorized);

        var reserved = await kit.ReserveAsync();

        Assert.True(reserved.PlanRefused);
        Assert.Empty(reserved.Reservations);
        Assert.Equal(["m1"], kit.Plans.Lost);
        Assert.Empty(kit.Journal.Entries);
    }

    [Fact]
    public async Task AReservationCarryingThePreviousClears_FinishesThatRoundAndRecordsTheNewOne()
    {
        using var kit = new RoundKit();
        kit.Queue.Add(Deal("ONCRMDEALADD", 1), Deal("ONCRMDEALUPDATE", 1));
        var first = await kit.ReserveAsync();
        var committed = await kit.Round.CommitAsync(kit.Turn, first.Reservations);
        kit.Queue.Add(Deal("ONCRMDEALADD", 2));

        var next = await kit.ReserveAsync(clearing: committed);

        Assert.Equal(2, next.Result.Events);
        Assert.Equal(1, next.Result.Objects);
        Assert.Equal(["p1"], kit.Journal.Done);
        Assert.Equal("p2", Assert.Single(next.Reservations).ProcessId);
        Assert.False(kit.Journal.Entries["p2"].Done);
        Assert.Empty(kit.Queue.Reserved("p1"));
    }

    [Fact]
    public async Task TheLeaseLostBeforeTheClear_StopsTheRoundAndClearsNothing()
    {
        using var kit = new RoundKit();
        kit.Queue.Add(Deal("ONCRMDEALUPDATE", 7));
        var reserved = await kit.ReserveAsync();
        // Taken over while the sink commits: only after the lease has run out, a whole duration after it was confirmed.
        kit.Sink.OnCommit = () =>
        {
            kit.Clock.Advance(kit.Turn.Lease.Duration);
            kit.Leases.Lost = true;
        };

        await Assert.ThrowsAsync<DrainLeaseLostException>(() => kit.Round.ProcessAsync(kit.Turn, reserved.Reservations));

        Assert.Empty(kit.Queue.Clears);
        Assert.Single(kit.Queue.Reserved("p1"));
        Assert.Empty(kit.Journal.Done);
    }

    private static OfflineEvent Deal(string name, long id) => ResolutionKit.Crm(name, id);
}
