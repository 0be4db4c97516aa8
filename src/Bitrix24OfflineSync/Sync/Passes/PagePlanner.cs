using System.Globalization;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sync.Resolution;

namespace Bitrix24OfflineSync.Sync.Passes;

/// <summary>
/// Plans the pages of one step's batch request from the due passes: a probe for the newest id of a pass that has none
/// yet, else ranges of the pass's width from its cursor up to that id (ids and times only for a drift check), as many
/// across the passes as one request holds (<see cref="BitrixBatch.MaxCommands"/>). Pure: it asks nothing.
/// </summary>
internal static class PagePlanner
{
    /// <summary>The pages of each pass in order, up to the request's cap; <paramref name="fetchOf"/> says how each pass's entity is read.</summary>
    public static IReadOnlyList<StepPlan> Plan(IReadOnlyList<EntityPass> passes, Func<EntityPass, EntityFetch> fetchOf)
    {
        var plans = new List<StepPlan>();
        var count = 0;
        foreach (var pass in passes)
        {
            var fetch = fetchOf(pass);
            var pages = new List<Page>();
            if (pass.MaxId is not { } maxId)
            {
                pages.Add(new Page(new BatchCommand(Key(count++), fetch.ListMethod!, fetch.NewestIdParameters()), null, null));
            }
            else
            {
                var width = pass.Width;
                for (var after = pass.Cursor; after < maxId && count < BitrixBatch.MaxCommands; after += width)
                {
                    var upTo = Math.Min(after + width, maxId);
                    pages.Add(new Page(new BatchCommand(Key(count++), fetch.ListMethod!, fetch.RangeParameters(after, upTo, keysOnly: pass.Kind == PassKind.Check)), after, upTo));
                }
            }

            plans.Add(new StepPlan(pass, fetch, pages));
            if (count >= BitrixBatch.MaxCommands)
            {
                break;
            }
        }

        return plans;
    }

    private static string Key(int index) => "p" + index.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One command of a step: a probe (no range) or the ids in (<see cref="After"/>, <see cref="UpTo"/>].</summary>
internal sealed record Page(BatchCommand Command, long? After, long? UpTo);

/// <summary>The pages one pass asks in a step, and how its entity is read.</summary>
internal sealed record StepPlan(EntityPass Pass, EntityFetch Fetch, IReadOnlyList<Page> Pages);
