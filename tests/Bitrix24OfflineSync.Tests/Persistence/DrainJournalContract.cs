using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Model;

namespace Bitrix24OfflineSync.Tests.Persistence;

/// <summary>What the drain's stores do on every provider: the reservation journal, failure counts and dead letters, and the inbox.</summary>
public abstract class DrainJournalContract(StoreTarget target) : StoreContract(target)
{
    private static readonly DateTimeOffset Far = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RecordedReservations_ArePendingInOrderOnceEachAndPerPortal()
    {
        var journal = await StoreAsync<IReservationJournal>();

        await journal.RecordAsync("m1", ["p1", "p2"], errorQueue: false, Ct);
        await journal.RecordAsync("m1", ["p3"], errorQueue: true, Ct);
        await journal.RecordAsync("m1", ["p1"], errorQueue: true, Ct);
        await journal.RecordAsync("m2", ["q1"], errorQueue: false, Ct);

        var pending = await journal.PendingAsync("m1", Far, Ct);
        Assert.Equal([new JournalEntry("p1", false, 0), new JournalEntry("p2", false, 0), new JournalEntry("p3", true, 0)], pending.OrderBy(e => e.ProcessId, StringComparer.Ordinal));
        Assert.Equal("p3", pending[^1].ProcessId);
        Assert.Equal(["p1", "p2", "p3"], (await journal.KnownPendingAsync("m1", Ct)).Order(StringComparer.Ordinal));
        Assert.Equal([new JournalEntry("q1", false, 0)], await journal.PendingAsync("m2", Far, Ct));
    }

    [Fact]
    public async Task APostponedReservation_IsKnownButNotDueUntilItsTimeAndCountsItsAttempts()
    {
        var journal = await StoreAsync<IReservationJournal>();
        var now = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        await journal.RecordAsync("m1", ["p1", "p2"], errorQueue: false, Ct);

        await journal.PostponeAsync("m1", ["p1"], "sink unavailable", now.AddSeconds(30), Ct);

        Assert.Equal([new JournalEntry("p2", false, 0)], await journal.PendingAsync("m1", now, Ct));
        Assert.Equal(["p1", "p2"], (await journal.KnownPendingAsync("m1", Ct)).Order(StringComparer.Ordinal));
        Assert.Contains(new JournalEntry("p1", false, 1), await journal.PendingAsync("m1", now.AddSeconds(30), Ct));

        await journal.PostponeAsync("m1", ["p1"], "sink unavailable", now.AddSeconds(60), Ct);
        Assert.Contains(new JournalEntry("p1", false, 2), await journal.PendingAsync("m1", now.AddSeconds(60), Ct));
    }

    [Fact]
    public async Task ADoneReservation_IsNeitherPendingNorKnown()
    {
        var journal = await StoreAsync<IReservationJournal>();
        await journal.RecordAsync("m1", ["p1", "p2", "p3"], errorQueue: false, Ct);

        await journal.MarkDoneAsync("m1", ["p1", "p3"], Ct);
        await journal.MarkDoneAsync("m1", [], Ct);
        await journal.MarkDoneAsync("m2", ["p2"], Ct);

        Assert.Equal([new JournalEntry("p2", false, 0)], await journal.PendingAsync("m1", Far, Ct));
        Assert.Equal(["p2"], await journal.KnownPendingAsync("m1", Ct));

        // A re-recorded process id that is done stays done: the queue never hands out one id twice.
        await journal.RecordAsync("m1", ["p1"], errorQueue: false, Ct);
        Assert.Equal(["p2"], await journal.KnownPendingAsync("m1", Ct));
    }

    [Fact]
    public async Task AReservationAskedForAndNotRecorded_MayHaveLeftOrphans_UntilItsAnswerIsRecordedOrTheScanRan()
    {
        var journal = await StoreAsync<IReservationJournal>();
        Assert.False(await journal.MayHaveOrphansAsync("portal-a", Ct));

        await journal.BeginReservingAsync("portal-a", Ct);
        await journal.BeginReservingAsync("portal-a", Ct);
        Assert.True(await journal.MayHaveOrphansAsync("portal-a", Ct));
        Assert.False(await journal.MayHaveOrphansAsync("portal-b", Ct));

        await journal.EndReservingAsync("portal-a", Ct);
        Assert.False(await journal.MayHaveOrphansAsync("portal-a", Ct));
    }

    [Fact]
    public async Task Failures_AreCountedPerRowUntilForgotten()
    {
        var failures = await StoreAsync<IFailureLog>();

        var first = await failures.CountFailuresAsync("m1", ["a", "b"], "access denied", Ct);
        var second = await failures.CountFailuresAsync("m1", ["a"], "access denied", Ct);
        var other = await failures.CountFailuresAsync("m2", ["a"], "access denied", Ct);
        await failures.ForgetFailuresAsync("m1", ["a"], Ct);
        await failures.ForgetFailuresAsync("m1", [], Ct);
        var afterForget = await failures.CountFailuresAsync("m1", ["a", "b"], "access denied", Ct);

        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 1 }, first);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 2 }, second);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1 }, other);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 }, afterForget);
        Assert.Empty(await failures.CountFailuresAsync("m1", [], "access denied", Ct));
    }

    [Fact]
    public async Task ADeadLetter_IsRecordedOnceAndKeepsItsFirstRecord()
    {
        var failures = await StoreAsync<IFailureLog>();
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var letter = new DeadLetter("a", "ONCRMDEALUPDATE", "crm.deal", "7", "access denied", 5, at);

        await failures.DeadLetterAsync("m1", letter, Ct);
        await failures.DeadLetterAsync("m1", letter with { Reason = "something else", Attempts = 9, CreatedAt = at.AddHours(1) }, Ct);
        await failures.DeadLetterAsync("m1", letter with { MessageId = "b", CreatedAt = at.AddMinutes(1) }, Ct);

        Assert.Equal([letter, letter with { MessageId = "b", CreatedAt = at.AddMinutes(1) }], await failures.DeadLettersAsync("m1", Ct));
        Assert.Empty(await failures.DeadLettersAsync("m2", Ct));
    }

    [Fact]
    public async Task ADeadLetterGivenUpAgain_TakesTheLatestStatusAndAnswer_AndItsReplayRequestHasHadItsGo()
    {
        var failures = await StoreAsync<IFailureLog>();
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var letter = new DeadLetter("a", "ONCRMDEALUPDATE", "crm.deal", "8", "the sink refused it", 5, at,
            DeadLetterCause.SinkRefused, "HTTP 422", "first\0answer", """{"FIELDS":{"ID":8}}""");
        await failures.DeadLetterAsync("m1", letter, Ct);
        await failures.DeadLetterAsync("m1", letter with { MessageId = "b", EntityId = "9" }, Ct);

        var asked = await failures.RequestReplayAsync("m1", new ObjectKey("crm.deal", "8"), Ct);
        var askedNone = await failures.RequestReplayAsync("m1", new ObjectKey("crm.deal", "10"), Ct);
        var requested = await failures.ReplayRequestedAsync("m1", Ct);
        await failures.DeadLetterAsync("m1", letter with { Reason = "other", CreatedAt = at.AddHours(1), Status = "HTTP 400", Answer = "second" }, Ct);

        Assert.Equal((1, 0, true), (asked, askedNone, requested));
        Assert.False(await failures.ReplayRequestedAsync("m1", Ct));
        var again = (await failures.DeadLettersAsync("m1", Ct)).Single(l => l.MessageId == "a");
        Assert.Equal(letter with { Status = "HTTP 400", Answer = "second" }, again);
        Assert.Equal("first\uFFFDanswer", (await failures.DeadLettersAsync("m1", Ct)).Single(l => l.MessageId == "b").Answer);

        await failures.DeadLetterAsync("m1", letter with { MessageId = "b", Reason = "access denied", Cause = DeadLetterCause.FetchFailed, Status = null, Answer = null }, Ct);
        var otherCause = (await failures.DeadLettersAsync("m1", Ct)).Single(l => l.MessageId == "b");
        Assert.Equal(("access denied", DeadLetterCause.FetchFailed, (string?)null), (otherCause.Reason, otherCause.Cause, otherCause.Answer));

        Assert.Equal(2, await failures.RequestReplayAsync("m1", null, Ct));
        await failures.CancelReplayAsync("m1", ["a", "b"], Ct);
        Assert.False(await failures.ReplayRequestedAsync("m1", Ct));
    }

    [Fact]
    public async Task DeadLetters_EndWhenTheSinkTakesTheirObject_AndOnlyThose()
    {
        var failures = await StoreAsync<IFailureLog>();
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        await failures.DeadLetterAsync("m1", new DeadLetter("add", "ONCRMDEALADD", "crm.deal", "8", "access denied", 5, at), Ct);
        await failures.DeadLetterAsync("m1", new DeadLetter("update", "ONCRMDEALUPDATE", "crm.deal", "8", "access denied", 5, at), Ct);
        await failures.DeadLetterAsync("m1", new DeadLetter("contact", "ONCRMCONTACTUPDATE", "crm.contact", "8", "access denied", 5, at), Ct);
        await failures.DeadLetterAsync("m2", new DeadLetter("add", "ONCRMDEALADD", "crm.deal", "8", "access denied", 5, at), Ct);

        var ended = await failures.EndDeadLettersAsync("m1", [new ObjectKey("crm.deal", "8"), new ObjectKey("crm.deal", "9")], Ct);
        var none = await failures.EndDeadLettersAsync("m1", [], Ct);

        Assert.Equal(["add", "update"], ended.Select(l => l.MessageId).Order(StringComparer.Ordinal));
        Assert.Empty(none);
        Assert.Equal(["contact"], (await failures.DeadLettersAsync("m1", Ct)).Select(l => l.MessageId));
        Assert.Single(await failures.DeadLettersAsync("m2", Ct));
        Assert.Equal(new Dictionary<string, int> { ["m1"] = 1, ["m2"] = 1 }, await failures.DeadLetterCountsAsync(Ct));
    }

    [Fact]
    public async Task TheInbox_KeepsRowsInOrderTheNewestDataPerMessageAndForgetsRemovedOnes()
    {
        var inbox = await StoreAsync<IBasicInbox>();

        await inbox.SaveAsync("m1", [Event(2, "a", 1), Event(1, "b", 1), Event(3, "a", 2)], Ct);
        await inbox.SaveAsync("m1", [], Ct);
        await inbox.SaveAsync("m2", [Event(9, "z", 1)], Ct);

        var rows = await inbox.ReadAsync("m1", 10, Ct);
        Assert.Equal([("b", 1L), ("a", 3L)], rows.Select(e => (e.MessageId, e.Id)));
        Assert.Equal("2", rows[1].Data!["FIELDS"]!["ID"]!.ToString());
        Assert.Equal("ONCRMDEALUPDATE", rows[1].EventName);
        Assert.Single(await inbox.ReadAsync("m1", 1, Ct));

        await inbox.RemoveAsync("m1", ["b"], Ct);
        await inbox.RemoveAsync("m1", [], Ct);
        Assert.Equal(["a"], (await inbox.ReadAsync("m1", 10, Ct)).Select(e => e.MessageId));
        Assert.Single(await inbox.ReadAsync("m2", 10, Ct));
    }

    [Fact]
    public async Task AnInboxRowWithoutData_ComesBackWithoutData()
    {
        var inbox = await StoreAsync<IBasicInbox>();

        await inbox.SaveAsync("m1", [new OfflineEvent(1, "ONAPPTEST", null, "a", null)], Ct);

        Assert.Null(Assert.Single(await inbox.ReadAsync("m1", 10, Ct)).Data);
    }

    private static OfflineEvent Event(long id, string messageId, int entityId) =>
        new(id, "ONCRMDEALUPDATE", new JsonObject { ["FIELDS"] = new JsonObject { ["ID"] = entityId.ToString(System.Globalization.CultureInfo.InvariantCulture) } }, messageId, null);
}
