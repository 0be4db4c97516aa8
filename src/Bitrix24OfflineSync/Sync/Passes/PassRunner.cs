using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync.Resolution;
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

        var plans = PagePlanner.Plan(passes, pass => entities.Find(pass.Entity)!);
        var commands = plans.SelectMany(p => p.Pages).Select(page => page.Command).ToList();
        var fetchedAt = time.GetUtcNow();
        var results = (await batch.RunAsync(portal.MemberId, commands, CancellationToken.None).ConfigureAwait(false))
            .ToDictionary(r => r.Key, StringComparer.Ordinal);

        var changes = new List<ObjectChange>();
        var moved = new List<EntityPass>();
        var paused = TurnResult.None;
        foreach (var plan in plans)
        {
            var read = PageReader.Read(plan, results);
            if (read.Failure is { } reason)
            {
                PassLog.ReadFailed(logger, portal.MemberId, read.Pass.Kind, read.Pass.Entity, read.Pass.Cursor, reason);
            }

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
            await turn.CommitAsync("p_", moved.Select(p => FormattableString.Invariant($"{p.Entity}:{p.Kind}:{p.Cursor}")), changes).ConfigureAwait(false);
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
        var tombstones = PassDiff.Tombstones(pass.Entity, held, pass.Cursor, upTo, new HashSet<long>(), time.GetUtcNow(), ChangeOrigin.Repair).ToList();
        if (tombstones.Count > 0)
        {
            await turn.CommitAsync("r_", [FormattableString.Invariant($"{pass.Entity}:{pass.Cursor}:{upTo}")], tombstones).ConfigureAwait(false);
        }

        await SaveAsync(pass with { Cursor = upTo, Deleted = pass.Deleted + tombstones.Count }).ConfigureAwait(false);
        metrics.PassStep(portal.MemberId, pass.Kind, pass.Entity, 0);
        return new Step(true, new TurnResult { Objects = tombstones.Count });
    }

    /// <summary>A load writes what it read (<see cref="PassDiff.Load"/>): nothing is fetched, so it never pauses.</summary>
    private async Task<(IReadOnlyList<ObjectChange> Changes, DateTimeOffset? PausedUntil)> LoadAsync(string memberId, StepPlan plan, PassRead read, DateTimeOffset fetchedAt) =>
        (PassDiff.Load(plan.Fetch, read, await HeldAsync(memberId, plan, read).ConfigureAwait(false), fetchedAt), null);

    /// <summary>
    /// A drift check fetches whole what the diff finds stale and writes it, and tombstones what the portal no longer
    /// has (<see cref="PassDiff.Check"/>). Paused when a fetch was: the pass does not move, and the step is taken again
    /// after the reset.
    /// </summary>
    private async Task<(IReadOnlyList<ObjectChange> Changes, DateTimeOffset? PausedUntil)> CheckAsync(string memberId, StepPlan plan, PassRead read, DateTimeOffset fetchedAt)
    {
        var diff = PassDiff.Check(plan.Fetch, read, await HeldAsync(memberId, plan, read).ConfigureAwait(false), fetchedAt);
        var changes = new List<ObjectChange>();
        if (diff.Stale.Count > 0)
        {
            var outcomes = await fetcher.FetchAsync(memberId, [.. diff.Stale.Select(key => (key, plan.Fetch))], CancellationToken.None).ConfigureAwait(false);
            if (outcomes.Values.Max(o => o.PausedUntil) is { } until)
            {
                return ([], until);
            }

            changes.AddRange(outcomes
                .Where(o => o.Value.Failure is null)
                .Select(o => o.Value.Change(o.Key, plan.Fetch, ChangeOrigin.Repair, [], [])));
        }

        changes.AddRange(diff.Tombstones);
        return (changes, null);
    }

    /// <summary>The sink's entries in the range the pass has read completely this step.</summary>
    private async Task<Dictionary<long, IndexEntry>> HeldAsync(string memberId, StepPlan plan, PassRead read) =>
        (await index.RangeAsync(memberId, plan.Fetch.Entity, read.From, read.Pass.Cursor, CancellationToken.None).ConfigureAwait(false))
            .ToDictionary(e => e.Id);

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

    /// <summary>Ids a retirement step covers: a commit of a few thousand tombstones at most.</summary>
    private const long RetireWidth = 2_500;

    /// <summary>What one step did: whether any pass moved, and its objects and pause.</summary>
    private sealed record Step(bool Progressed, TurnResult Result);
}
