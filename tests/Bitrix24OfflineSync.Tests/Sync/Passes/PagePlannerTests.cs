using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sync.Passes;
using static Bitrix24OfflineSync.Tests.Sync.Passes.PassKit;

namespace Bitrix24OfflineSync.Tests.Sync.Passes;

public sealed class PagePlannerTests
{
    [Theory]
    [InlineData("crm.deal", "crm.deal.list")]
    [InlineData("task", "tasks.task.list")]
    [InlineData("crm.item.1220", "crm.item.list")]
    public void APassWithoutMaxId_AsksOneProbeForTheNewestId(string entity, string method)
    {
        var plan = Assert.Single(Plan(Pass(entity, PassKind.Load, 0, null)));

        var page = Assert.Single(plan.Pages);
        Assert.Null(page.After);
        Assert.Null(page.UpTo);
        Assert.Equal(method, page.Command.Method);
        Assert.True(JsonNode.DeepEquals(Fetch(entity).NewestIdParameters(), page.Command.Parameters));
    }

    [Theory]
    [InlineData(0, 120, 0, "0-50,50-100,100-120")]
    [InlineData(0, 50, 0, "0-50")]
    [InlineData(1000, 1400, 200, "1000-1200,1200-1400")]
    [InlineData(1000, 1300, 200, "1000-1200,1200-1300")]
    [InlineData(100, 100, 80, "")]
    [InlineData(0, 0, 0, "")]
    [InlineData(0, 10_000, 0, "0-50,50-100,100-150")]
    public void RangesRunFromTheCursorToMaxId_InThePassesWidth(long cursor, long maxId, long objectsRead, string expectedStart)
    {
        var plan = Assert.Single(Plan(Pass("crm.deal", PassKind.Load, cursor, maxId, objectsRead)));

        var ranges = plan.Pages.Select(p => $"{p.After}-{p.UpTo}").ToList();
        var expected = expectedStart.Length == 0 ? [] : expectedStart.Split(',');
        Assert.Equal(expected, ranges.Take(expected.Length));
        Assert.Equal(Math.Min(BitrixBatch.MaxCommands, (int)Math.Ceiling((maxId - cursor) / (double)plan.Pass.Width)), plan.Pages.Count);
        Assert.All(plan.Pages, p => Assert.Equal(p.After, p.Command.Parameters!["filter"]![">ID"]!.GetValue<long>()));
    }

    [Theory]
    [InlineData(10, 10, 10, 10)]
    [InlineData(30, 30, 30, 20)]
    [InlineData(49, 5, 49, 1)]
    [InlineData(50, 5, 50, null)]
    [InlineData(80, 5, 50, null)]
    public void OneRequestHoldsFiftyCommands_AcrossThePasses(int firstRanges, int secondRanges, int expectedFirst, int? expectedSecond)
    {
        var plans = Plan(
            Pass("crm.deal", PassKind.Load, 0, firstRanges * 50L),
            Pass("crm.contact", PassKind.Check, 0, secondRanges * 50L),
            Pass("task", PassKind.Load, 0, null));

        Assert.Equal(expectedFirst, plans[0].Pages.Count);
        Assert.Equal(expectedSecond, plans.ElementAtOrDefault(1)?.Pages.Count);
        var keys = plans.SelectMany(p => p.Pages).Select(p => p.Command.Key).ToList();
        Assert.True(keys.Count <= BitrixBatch.MaxCommands);
        Assert.Equal(keys.Select((_, i) => "p" + i), keys);
        Assert.Equal(firstRanges + secondRanges + 1 <= BitrixBatch.MaxCommands, plans.Count == 3);
    }

    [Theory]
    [InlineData("crm.deal", "Check", "ID,DATE_MODIFY")]
    [InlineData("crm.deal", "Load", "*,UF_*")]
    [InlineData("crm.contact", "Load", "*,UF_*,PHONE,EMAIL,WEB,IM")]
    [InlineData("task", "Check", "ID,CHANGED_DATE")]
    [InlineData("crm.item.1220", "Check", "id,updatedTime")]
    [InlineData("crm.item.1220", "Load", "*")]
    public void ACheckAsksOnlyIdsAndTimes_ALoadWholeObjects(string entity, string kind, string select)
    {
        var plan = Assert.Single(Plan(Pass(entity, Enum.Parse<PassKind>(kind), 0, 100)));

        Assert.All(plan.Pages, page => Assert.Equal(select, string.Join(',', page.Command.Parameters!["select"]!.AsArray().Select(f => f!.GetValue<string>()))));
    }

    [Fact]
    public void APassAlreadyAtMaxId_AsksNothing_AndLeavesTheRequestToTheNext()
    {
        var plans = Plan(Pass("crm.deal", PassKind.Check, 400, 400, 300), Pass("crm.lead", PassKind.Check, 0, 100));

        Assert.Empty(plans[0].Pages);
        Assert.Equal(["p0", "p1"], plans[1].Pages.Select(p => p.Command.Key));
    }
}
