using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Fetching;
using Bitrix24OfflineSync.Sync.Mapping;
using Bitrix24OfflineSync.Sync.Model;
using Bitrix24OfflineSync.Sync.Scheduling;
using Bitrix24OfflineSync.Sync.Turns;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Passes;

/// <summary>
/// Runs a portal's loads and drift checks, one step at a time after its queue is drained: a step is one batch request
/// of keyset pages (ids in ranges, by id ascending, <c>start=-1</c>), its results compared with what the sink holds,
/// and one commit; then each pass's cursor moves past what it read completely. The live drain comes first: a step is
/// a round of the portal's turn, and a doorbell during the turn ends the steps so the queue is drained again. A pass
/// over the smart-process types or the field lists is a discovery (<see cref="TypeDiscovery"/>,
/// <see cref="FieldDiscovery"/>: one request each); a retirement asks nothing and tombstones, range by range, what the
/// sink holds of a type gone from the portal.
/// </summary>
internal sealed class PassRunner(
    PassPlanner planner,
    TypeDiscovery discovery,
    FieldDiscovery fieldDiscovery,
    IPassStore store,
    SyncedEntities entities,
    BitrixBatch batch,
    StateFetcher fetcher,
    ISinkIndex index,
    DrainScheduler scheduler,
    SyncMetrics metrics,
    IOptions<SyncOptions> options,
    TimeProvider time,
    ILogger<PassRunner> logger)
{
    /// <summary>Steps through the due passes with what the turn has left of its rounds (<paramref name="roundsUsed"/> of them are spent).</summary>
    public async Task<TurnResult> RunAsync(TurnContext turn, bool basicPlan, int roundsUsed, CancellationToken stopping)
    {
        var portal = turn.Portal;
        var result = TurnResult.None;
        while (result.PausedUntil is null)
        {
            DateTimeOffset? checkDue = null;
            var passes = await planner.DueAsync(portal, basicPlan, CancellationToken.None, due => checkDue = due).ConfigureAwait(false);
            result = result.And(new TurnResult { NextCheckAt = checkDue });
            if (passes.Count == 0)
            {
                return result;
            }

            if (roundsUsed + result.Rounds >= options.Value.RoundsPerTurn || stopping.IsCancellationRequested || scheduler.WokenDuringTurn(portal.MemberId))
            {
                return result with { MoreWork = true };
            }

            await turn.EnsureHeldAsync(CancellationToken.None).ConfigureAwait(false);
            var step = await StepAsync(turn, passes).ConfigureAwait(false);
            result = result.And(step.Result with { Rounds = 1 });
            if (!step.Progressed)
            {
                // Nothing could be read (an error the log names): the passes are taken up again at the next turn.
                return result;
            }
        }

        return result;
    }

    private async Task<Step> StepAsync(TurnContext turn, IReadOnlyList<EntityPass> passes)
    {
        var portal = turn.Portal;
        if (passes.FirstOrDefault(p => p.Entity is TypeDiscovery.Entity or FieldDiscovery.Entity) is { } discovering)
        {
            var (found, pausedUntil) = discovering.Entity == TypeDiscovery.Entity
                ? await discovery.RunAsync(discovering).ConfigureAwait(false)
                : await fieldDiscovery.RunAsync(discovering).ConfigureAwait(false);
            if (found == discovering)
            {
                return new Step(false, TurnResult.Paused(pausedUntil));
            }

            await SaveAsync(found).ConfigureAwait(false);
            metrics.PassStep(portal.MemberId, found.Kind, found.Entity, found.ObjectsRead - discovering.ObjectsRead);
            return new Step(true, TurnResult.None);
        }

        if (passes.FirstOrDefault(p => p.Kind == PassKind.Retire) is { } retire)
        {
            return await RetireStepAsync(turn, retire).ConfigureAwait(false);
        }

        var plans = Plan(passes);
        var commands = plans.SelectMany(p => p.Pages).Select(page => page.Command).ToList();
        var fetchedAt = time.GetUtcNow();
        var results = (await batch.RunAsync(portal.MemberId, commands, CancellationToken.None).ConfigureAwait(false))
            .ToDictionary(r => r.Key, StringComparer.Ordinal);

        var changes = new List<ObjectChange>();
        var moved = new List<EntityPass>();
        var paused = TurnResult.None;
        foreach (var plan in plans)
        {
            var read = Read(portal.MemberId, plan, results);
            paused = paused.And(TurnResult.Paused(read.PausedUntil));
            if (read.Pass.Cursor == plan.Pass.Cursor)
            {
                if (read.Pass != plan.Pass)
                {
                    moved.Add(read.Pass);
                }

                continue;
            }

            var found = plan.Pass.Kind == PassKind.Load
                ? await LoadAsync(portal.MemberId, plan, read, fetchedAt).ConfigureAwait(false)
                : await CheckAsync(portal.MemberId, plan, read, fetchedAt).ConfigureAwait(false);
            if (found.PausedUntil is { } until)
            {
                paused = paused.And(TurnResult.Paused(until));
                continue;
            }

            changes.AddRange(found.Changes);
            var upserted = found.Changes.Count(c => c.Action == ChangeAction.Upsert);
            moved.Add(read.Pass with
            {
                ObjectsRead = read.Pass.ObjectsRead + read.Rows.Count,
                Upserted = read.Pass.Upserted + upserted,
                Deleted = read.Pass.Deleted + (found.Changes.Count - upserted),
            });
        }

        if (changes.Count > 0)
        {
            var batchId = BatchIds.For("p_", moved.Select(p => FormattableString.Invariant($"{p.Entity}:{p.Kind}:{p.Cursor}")));
            await turn.CommitAsync(new SinkBatch(portal.MemberId, portal.Domain, batchId, changes), CancellationToken.None).ConfigureAwait(false);
        }

        // Saved only after the commit: a crash in between reads the same ranges again, and the sink takes them twice.
        foreach (var pass in moved)
        {
            await SaveAsync(pass).ConfigureAwait(false);
            var before = passes.FirstOrDefault(p => p.Entity == pass.Entity && p.Kind == pass.Kind);
            metrics.PassStep(portal.MemberId, pass.Kind, pass.Entity, pass.ObjectsRead - (before?.ObjectsRead ?? 0));
        }

        return new Step(moved.Count > 0, paused with { Objects = changes.Count });
    }

    /// <summary>
    /// One step of a retirement, without a request: the sink's objects of the entity in the next range are tombstoned
    /// (origin repair) and the cursor moves on; the range ends at the highest id the sink held when it began.
    /// </summary>
    private async Task<Step> RetireStepAsync(TurnContext turn, EntityPass pass)
    {
        var portal = turn.Portal;
        if (pass.MaxId is null)
        {
            pass = pass with { MaxId = await index.MaxIdAsync(portal.MemberId, pass.Entity, CancellationToken.None).ConfigureAwait(false) ?? 0 };
        }

        var upTo = Math.Min(pass.Cursor + RetireWidth, pass.MaxId!.Value);
        var held = upTo > pass.Cursor
            ? await index.RangeAsync(portal.MemberId, pass.Entity, pass.Cursor, upTo, CancellationToken.None).ConfigureAwait(false)
            : [];
        var now = time.GetUtcNow();
        var tombstones = held.Where(e => !e.Deleted).OrderBy(e => e.Id)
            .Select(e => new ObjectChange(new ObjectKey(pass.Entity, e.Id.ToString(CultureInfo.InvariantCulture)), ChangeAction.Delete, null, null, now, [], [], ChangeOrigin.Repair))
            .ToList();
        if (tombstones.Count > 0)
        {
            var batchId = BatchIds.For("r_", [FormattableString.Invariant($"{pass.Entity}:{pass.Cursor}:{upTo}")]);
            await turn.CommitAsync(new SinkBatch(portal.MemberId, portal.Domain, batchId, tombstones), CancellationToken.None).ConfigureAwait(false);
        }

        await SaveAsync(pass with { Cursor = upTo, Deleted = pass.Deleted + tombstones.Count }).ConfigureAwait(false);
        metrics.PassStep(portal.MemberId, pass.Kind, pass.Entity, 0);
        return new Step(true, new TurnResult { Objects = tombstones.Count });
    }

    /// <summary>The pages of one request: a probe for the newest id of a pass that has none yet, else ranges from its cursor on.</summary>
    private List<StepPlan> Plan(IReadOnlyList<EntityPass> passes)
    {
        var plans = new List<StepPlan>();
        var count = 0;
        foreach (var pass in passes)
        {
            var fetch = entities.Find(pass.Entity)!;
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

    /// <summary>
    /// Reads one pass's pages in id order, as far as they are complete: a full page may have more after its last
    /// row, so the cursor stops there and the next step goes on from it. A refused or paused page stops the pass too.
    /// </summary>
    private PassRead Read(string memberId, StepPlan plan, Dictionary<string, BatchCommandResult> results)
    {
        var pass = plan.Pass;
        var rows = new List<(long Id, JsonObject Row)>();
        DateTimeOffset? pausedUntil = null;
        foreach (var page in plan.Pages)
        {
            var result = results[page.Command.Key];
            if (result.PausedUntil is { } until)
            {
                pausedUntil = until;
                break;
            }

            var pageRows = result.Succeeded ? FetchAnswers.Rows(result.Result, plan.Fetch.ListResultKey) : null;
            var ids = pageRows?.OfType<JsonObject>().Select(row => (Id: Id(row, plan.Fetch), Row: row)).ToList();
            if (ids is null || ids.Any(r => r.Id is null || (page.After is { } a && (r.Id <= a || r.Id > page.UpTo))))
            {
                // A page that is not the range asked for proves nothing about what the range holds.
                var reason = result.Error?.ToString() ?? "the answer is not the page asked for";
                PassLog.ReadFailed(logger, memberId, pass.Kind, pass.Entity, pass.Cursor, reason);
                break;
            }

            if (page.After is null)
            {
                pass = pass with { MaxId = ids.Count == 0 ? 0 : ids.Max(r => r.Id!.Value) };
                continue;
            }

            rows.AddRange(ids.Select(r => (r.Id!.Value, r.Row)));
            var last = ids.Count == 0 ? page.After.Value : ids.Max(r => r.Id!.Value);
            if (ids.Count >= EntityFetch.PageSize && last < page.UpTo)
            {
                // A full page may have more after its last row: the next step goes on from there.
                pass = pass with { Cursor = last };
                break;
            }

            pass = pass with { Cursor = page.UpTo!.Value };
        }

        return new PassRead(pass, plan.Pass.Cursor, rows, pausedUntil);
    }

    /// <summary>A load writes every object it read, but for those the sink holds newer, and tombstones what the sink holds that the portal has not.</summary>
    private async Task<(List<ObjectChange> Changes, DateTimeOffset? PausedUntil)> LoadAsync(string memberId, StepPlan plan, PassRead read, DateTimeOffset fetchedAt)
    {
        var held = await HeldAsync(memberId, plan, read).ConfigureAwait(false);
        var changes = new List<ObjectChange>();
        foreach (var (id, row) in read.Rows)
        {
            var modifiedAt = FetchAnswers.Time(row, plan.Fetch.ModifiedField);
            if (held.TryGetValue(id, out var entry) && !entry.Deleted && entry.ModifiedAt > modifiedAt)
            {
                continue;
            }

            changes.Add(Change(plan, id, ChangeAction.Upsert, (JsonObject)row.DeepClone(), modifiedAt, fetchedAt, ChangeOrigin.Load));
        }

        changes.AddRange(Tombstones(plan, read, held, fetchedAt, ChangeOrigin.Load));
        return (changes, null);
    }

    /// <summary>
    /// A drift check compares ids and modification times: what the sink lacks, holds as deleted or holds older is
    /// fetched whole and written; what the sink holds that the portal has not is tombstoned. Null when a fetch was
    /// paused: the pass does not move, and the step is taken again after the reset.
    /// </summary>
    private async Task<(List<ObjectChange> Changes, DateTimeOffset? PausedUntil)> CheckAsync(string memberId, StepPlan plan, PassRead read, DateTimeOffset fetchedAt)
    {
        var held = await HeldAsync(memberId, plan, read).ConfigureAwait(false);
        var stale = read.Rows
            .Where(r => !held.TryGetValue(r.Id, out var entry) || entry.Deleted || Older(entry.ModifiedAt, FetchAnswers.Time(r.Row, plan.Fetch.ModifiedField)))
            .Select(r => (new ObjectKey(plan.Fetch.Entity, r.Id.ToString(CultureInfo.InvariantCulture)), plan.Fetch))
            .ToList();
        var changes = new List<ObjectChange>();
        if (stale.Count > 0)
        {
            var outcomes = await fetcher.FetchAsync(memberId, stale, CancellationToken.None).ConfigureAwait(false);
            if (outcomes.Values.Max(o => o.PausedUntil) is { } until)
            {
                return ([], until);
            }

            foreach (var (key, outcome) in outcomes.Where(o => o.Value.Failure is null))
            {
                var id = long.Parse(key.Id, CultureInfo.InvariantCulture);
                changes.Add(outcome.State is { } state
                    ? Change(plan, id, ChangeAction.Upsert, state, FetchAnswers.Time(state, plan.Fetch.ModifiedField), outcome.FetchedAt, ChangeOrigin.Repair)
                    : Change(plan, id, ChangeAction.Delete, null, null, outcome.FetchedAt, ChangeOrigin.Repair));
            }
        }

        changes.AddRange(Tombstones(plan, read, held, fetchedAt, ChangeOrigin.Repair));
        return (changes, null);
    }

    /// <summary>The sink's entries in the range the pass has read completely this step.</summary>
    private async Task<Dictionary<long, IndexEntry>> HeldAsync(string memberId, StepPlan plan, PassRead read) =>
        (await index.RangeAsync(memberId, plan.Fetch.Entity, read.From, read.Pass.Cursor, CancellationToken.None).ConfigureAwait(false))
            .ToDictionary(e => e.Id);

    /// <summary>Only ids inside the range read completely: an object missing there is gone from the portal.</summary>
    private static IEnumerable<ObjectChange> Tombstones(StepPlan plan, PassRead read, Dictionary<long, IndexEntry> held, DateTimeOffset fetchedAt, ChangeOrigin origin)
    {
        var present = read.Rows.Select(r => r.Id).ToHashSet();
        return held.Values
            .Where(e => !e.Deleted && !present.Contains(e.Id))
            .OrderBy(e => e.Id)
            .Select(e => Change(plan, e.Id, ChangeAction.Delete, null, null, fetchedAt, origin));
    }

    /// <summary>Whether the sink's time is older than the portal's (a time the sink lacks counts as older).</summary>
    private static bool Older(DateTimeOffset? held, DateTimeOffset? portal) => portal is { } p && (held is not { } h || h < p);

    private static ObjectChange Change(StepPlan plan, long id, ChangeAction action, JsonObject? state, DateTimeOffset? modifiedAt, DateTimeOffset fetchedAt, ChangeOrigin origin) =>
        new(new ObjectKey(plan.Fetch.Entity, id.ToString(CultureInfo.InvariantCulture)), action, state, modifiedAt, fetchedAt, [], [], origin);

    private static long? Id(JsonObject row, EntityFetch fetch) =>
        long.TryParse(FetchAnswers.Id(row, fetch.IdField), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private async Task SaveAsync(EntityPass pass)
    {
        var done = pass.MaxId is { } maxId && pass.Cursor >= maxId;
        var saved = done ? pass with { FinishedAt = time.GetUtcNow() } : pass;
        await store.SaveAsync(saved, CancellationToken.None).ConfigureAwait(false);
        if (!done)
        {
            return;
        }

        if (saved.Entity == TypeDiscovery.Entity)
        {
            PassLog.TypesFound(logger, saved.MemberId, saved.ObjectsRead);
        }
        else if (saved.Entity == FieldDiscovery.Entity)
        {
            // The discovery logged what it read (event 1326).
        }
        else if (saved.Kind == PassKind.Load)
        {
            PassLog.LoadDone(logger, saved.MemberId, saved.Entity, saved.ObjectsRead, saved.Upserted, saved.Deleted);
        }
        else if (saved.Kind == PassKind.Check)
        {
            PassLog.CheckDone(logger, saved.MemberId, saved.Entity, saved.ObjectsRead, saved.Upserted + saved.Deleted, saved.Upserted, saved.Deleted);
        }
        else
        {
            PassLog.Retired(logger, saved.MemberId, saved.Entity, saved.Deleted);
        }
    }

    private static string Key(int index) => "p" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Ids a retirement step covers: a commit of a few thousand tombstones at most.</summary>
    private const long RetireWidth = 2_500;

    /// <summary>One command of a step: a probe (no range) or the ids in (<see cref="After"/>, <see cref="UpTo"/>].</summary>
    private sealed record Page(BatchCommand Command, long? After, long? UpTo);

    private sealed record StepPlan(EntityPass Pass, EntityFetch Fetch, IReadOnlyList<Page> Pages);

    /// <summary>A pass after its pages were read: complete from <see cref="From"/> up to its new cursor, and the rows in that range.</summary>
    private sealed record PassRead(EntityPass Pass, long From, List<(long Id, JsonObject Row)> Rows, DateTimeOffset? PausedUntil);

    /// <summary>What one step did: whether any pass moved, and its objects and pause.</summary>
    private sealed record Step(bool Progressed, TurnResult Result);
}
