using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sync.Resolution;

namespace Bitrix24OfflineSync.Sync.Passes;

/// <summary>
/// Reads one pass's pages in id order, as far as they are complete: a full page may have more after its last row, so
/// the cursor stops there and the next step goes on from it. A paused page stops the pass and says until when; a
/// refused page, or one that is not the range asked for, stops it and says why. A probe sets the pass's newest id.
/// Pure: the runner logs and asks.
/// </summary>
internal static class PageReader
{
    public static PassRead Read(StepPlan plan, IReadOnlyDictionary<string, BatchCommandResult> results)
    {
        var pass = plan.Pass;
        var rows = new List<PassRow>();
        foreach (var page in plan.Pages)
        {
            var result = results[page.Command.Key];
            if (result.PausedUntil is { } until)
            {
                return new PassRead(pass, plan.Pass.Cursor, rows) { PausedUntil = until };
            }

            var pageRows = result.Succeeded ? FetchAnswers.Rows(result.Result, plan.Fetch.ListResultKey) : null;
            var ids = pageRows?.OfType<JsonObject>().Select(row => (Id: FetchAnswers.NumericId(row, plan.Fetch.IdField), Row: row)).ToList();
            if (ids is null || ids.Any(r => r.Id is null || (page.After is { } a && (r.Id <= a || r.Id > page.UpTo))))
            {
                // A page that is not the range asked for proves nothing about what the range holds.
                var reason = result.Error?.ToString() ?? "the answer is not the page asked for";
                return new PassRead(pass, plan.Pass.Cursor, rows) { Failure = reason };
            }

            if (page.After is null)
            {
                pass = pass with { MaxId = ids.Count == 0 ? 0 : ids.Max(r => r.Id!.Value) };
                continue;
            }

            rows.AddRange(ids.Select(r => new PassRow(r.Id!.Value, r.Row)));
            var last = ids.Count == 0 ? page.After.Value : ids.Max(r => r.Id!.Value);
            if (ids.Count >= EntityFetch.PageSize && last < page.UpTo)
            {
                // A full page may have more after its last row: the next step goes on from there.
                pass = pass with { Cursor = last };
                break;
            }

            pass = pass with { Cursor = page.UpTo!.Value };
        }

        return new PassRead(pass, plan.Pass.Cursor, rows);
    }
}

/// <summary>One object a range page answered: its id and its row as the portal wrote it.</summary>
internal sealed record PassRow(long Id, JsonObject Row);

/// <summary>
/// A pass after its pages were read: complete from <see cref="From"/> up to its new cursor, and the rows in that range;
/// when a page stopped it, until when its method is paused or why the page proves nothing (for the log).
/// </summary>
internal sealed record PassRead(EntityPass Pass, long From, IReadOnlyList<PassRow> Rows)
{
    public DateTimeOffset? PausedUntil { get; init; }

    public string? Failure { get; init; }
}
