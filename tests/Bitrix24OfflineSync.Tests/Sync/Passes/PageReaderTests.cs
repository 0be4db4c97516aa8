using System.Net;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sync.Passes;
using static Bitrix24OfflineSync.Tests.Sync.Passes.PassKit;

namespace Bitrix24OfflineSync.Tests.Sync.Passes;

public sealed class PageReaderTests
{
    private static readonly DateTimeOffset ResetAt = Started.AddMinutes(10);

    [Theory]
    [InlineData("crm.deal", 0, 120, 0, "1,7,50,51,99,120", 120, 6)]
    [InlineData("task", 0, 120, 0, "3,118", 120, 2)]
    [InlineData("crm.item.1220", 40, 140, 20, "41,139,140", 140, 3)]
    [InlineData("crm.deal", 0, 120, 0, "", 120, 0)]
    public void CompletePages_MoveTheCursorToTheEndOfTheLastRange(string entity, long cursor, long maxId, long objectsRead, string ids, long expectedCursor, int expectedRows)
    {
        var plan = Assert.Single(Plan(Pass(entity, PassKind.Load, cursor, maxId, objectsRead)));
        var present = Ids(ids).ToList();

        var read = PageReader.Read(plan, Answers(plan, (after, upTo) => present.Where(id => id > after && id <= upTo)));

        Assert.Equal(expectedCursor, read.Pass.Cursor);
        Assert.Equal(cursor, read.From);
        Assert.Equal(present, read.Rows.Select(r => r.Id));
        Assert.Equal(expectedRows, read.Rows.Count);
        Assert.Null(read.PausedUntil);
        Assert.Null(read.Failure);
    }

    [Theory]
    [InlineData(1001, 1050, 1050, 50)]
    [InlineData(1001, 1399, 1399, 50)]
    [InlineData(1100, 1150, 1150, 50)]
    [InlineData(1001, 1400, 1800, 50)]
    public void AFullPage_StopsThePassAtItsLastId(long firstId, long lastId, long expectedCursor, int expectedRows)
    {
        // Sparse ids so far make the ranges 400 wide: a range can then hold more than the 50 rows a page answers.
        var plan = Assert.Single(Plan(Pass("crm.deal", PassKind.Load, 1000, 1800, 100)));
        var page = plan.Pages[0];

        var results = Answers(plan, (_, _) => []);
        results[page.Command.Key] = Answer(page.Command.Key, plan.Fetch, Enumerable.Range(0, 50).Select(i => Row(plan.Fetch, i == 49 ? lastId : firstId + i)));
        var read = PageReader.Read(plan, results);

        Assert.Equal(["1000-1400", "1400-1800"], plan.Pages.Select(p => $"{p.After}-{p.UpTo}"));
        Assert.Equal(expectedCursor, read.Pass.Cursor);
        Assert.Equal(expectedRows, read.Rows.Count);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 50)]
    [InlineData(2, 100)]
    public void APausedPage_StopsThePassBeforeIt_AndSaysUntilWhen(int pausedPage, long expectedCursor)
    {
        var plan = Assert.Single(Plan(Pass("crm.deal", PassKind.Check, 0, 150)));
        var results = Answers(plan, (after, _) => [after + 1]);
        var key = plan.Pages[pausedPage].Command.Key;
        results[key] = BatchCommandResult.Paused(key, ResetAt, sent: true);

        var read = PageReader.Read(plan, results);

        Assert.Equal(expectedCursor, read.Pass.Cursor);
        Assert.Equal(ResetAt, read.PausedUntil);
        Assert.Null(read.Failure);
        Assert.Equal(pausedPage, read.Rows.Count);
    }

    [Theory]
    [InlineData("error", 50, "QUERY_LIMIT_EXCEEDED")]
    [InlineData("below", 50, "the answer is not the page asked for")]
    [InlineData("above", 50, "the answer is not the page asked for")]
    [InlineData("no id", 50, "the answer is not the page asked for")]
    [InlineData("not rows", 50, "the answer is not the page asked for")]
    public void ARefusedPageOrOneOutsideItsRange_StopsThePassAndSaysWhy(string answer, long expectedCursor, string expectedReason)
    {
        var plan = Assert.Single(Plan(Pass("crm.deal", PassKind.Load, 0, 150)));
        var results = Answers(plan, (after, _) => [after + 1]);
        var key = plan.Pages[1].Command.Key;
        results[key] = answer switch
        {
            "error" => new BatchCommandResult(key, null, new BitrixError("QUERY_LIMIT_EXCEEDED", "Too many requests", HttpStatusCode.ServiceUnavailable), null, null),
            "below" => Answer(key, plan.Fetch, [Row(plan.Fetch, 50)]),
            "above" => Answer(key, plan.Fetch, [Row(plan.Fetch, 101)]),
            "no id" => Answer(key, plan.Fetch, [new() { ["TITLE"] = "no id" }]),
            _ => new BatchCommandResult(key, "ok", null, null, null),
        };

        var read = PageReader.Read(plan, results);

        Assert.Equal(expectedCursor, read.Pass.Cursor);
        Assert.Contains(expectedReason, read.Failure, StringComparison.Ordinal);
        Assert.Null(read.PausedUntil);
        Assert.Equal([1L], read.Rows.Select(r => r.Id));
    }

    [Theory]
    [InlineData("crm.deal", "977", 977)]
    [InlineData("task", "42", 42)]
    [InlineData("crm.item.1220", "8", 8)]
    [InlineData("crm.deal", "", 0)]
    public void TheProbe_SetsMaxId_AndReadsNoRows(string entity, string newest, long expectedMaxId)
    {
        var plan = Assert.Single(Plan(Pass(entity, PassKind.Load, 0, null)));

        var read = PageReader.Read(plan, Answers(plan, (_, _) => Ids(newest)));

        Assert.Equal(expectedMaxId, read.Pass.MaxId);
        Assert.Equal(0, read.Pass.Cursor);
        Assert.Empty(read.Rows);
        Assert.Null(read.Failure);
    }
}
