using System.Globalization;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync;
using Bitrix24OfflineSync.Sync.Turns;
using Bitrix24OfflineSync.Sync.Resolution;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Writes;

/// <summary>
/// Applies a portal's queued writes in its turn, under its lease, oldest first, at most
/// <see cref="WriteApiOptions.WritesPerTurn"/> a turn. Fields are checked first (<see cref="WriteFieldCheck"/>); creates
/// sent before whose answer never came are looked up by their origin (<see cref="WritePreReads"/>). The writes then go
/// in batch requests of 50 commands (25 writes): a write with <c>ifUnmodifiedSince</c> is preceded by its condition
/// (<see cref="WriteMethods.GuardParameters"/>), and each is followed in the same request by the read-back of its
/// object, which is committed to the sinks with origin <c>write</c> and the write's key before the writes are marked
/// applied (<see cref="WriteResults"/>). A write is marked sent before its request goes, so a create whose outcome is
/// unknown is looked up by its origin, never sent again blindly.
/// </summary>
internal sealed class WriteApplier(
    IWriteStore store,
    BitrixBatch batch,
    SyncedEntities entities,
    WriteFieldCheck fieldCheck,
    WritePreReads preReads,
    WriteOutcomes outcomes,
    IOptions<WriteApiOptions> options,
    IOptions<SyncOptions> sync,
    TimeProvider time,
    ILogger<WriteApplier> logger) : IPortalTurnStep
{
    public async Task RunAsync(PortalTurn turn, CancellationToken stopping)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        var memberId = turn.Portal.MemberId;
        var open = await store.OpenAsync(memberId, settings.WritesPerTurn + 1, CancellationToken.None).ConfigureAwait(false);
        if (open.Count == 0)
        {
            return;
        }

        if (open.Count > settings.WritesPerTurn)
        {
            turn.NeedsAnotherTurn();
            open = [.. open.Take(settings.WritesPerTurn)];
        }

        var ready = new List<StoredWrite>(open.Count);
        foreach (var write in open)
        {
            var outcome = entities.Find(write.Request.Entity) is null
                ? new WriteOutcome(WriteStatus.Failed, null, "ENTITY_NOT_SYNCED", $"{write.Request.Entity} is not synced by this service (Bitrix24__Events).")
                : write.Attempts >= settings.MaxAttempts
                    ? new WriteOutcome(WriteStatus.Failed, null, "UNAVAILABLE", $"The portal did not answer in {write.Attempts} attempts.")
                    : null;
            if (outcome is null)
            {
                ready.Add(write);
            }
            else
            {
                await outcomes.EndAsync(write, outcome, CancellationToken.None).ConfigureAwait(false);
            }
        }

        try
        {
            var (failures, paused) = await fieldCheck.CheckAsync(memberId, ready, CancellationToken.None).ConfigureAwait(false);
            if (paused is { } until)
            {
                turn.Pause(until);
                return;
            }

            foreach (var write in ready.Where(w => failures.ContainsKey(w.Key)))
            {
                await outcomes.EndAsync(write, failures[write.Key], CancellationToken.None).ConfigureAwait(false);
            }

            ready.RemoveAll(w => failures.ContainsKey(w.Key));
            var found = await preReads.RunAsync(turn, ready).ConfigureAwait(false);
            foreach (var chunk in Requests(ready.Where(w => !found.Done.Contains(w.Key)), found.FoundIds))
            {
                if (stopping.IsCancellationRequested)
                {
                    turn.NeedsAnotherTurn();
                    return;
                }

                await ApplyAsync(turn, chunk, found.FoundIds).ConfigureAwait(false);
            }
        }
        catch (BitrixMethodPausedException ex)
        {
            turn.Pause(ex.Until);
        }
        catch (BitrixUnavailableException ex)
        {
            // What was sent stays applying: updates and deletes go again, creates are looked up first.
            WritesLog.Waiting(logger, memberId, ex.Message);
            turn.Pause(time.GetUtcNow() + sync.Value.RetryDelay);
        }
        catch (SinkUnavailableException ex)
        {
            WritesLog.Waiting(logger, memberId, $"the sink is unavailable ({ex.Reason})");
            turn.Pause(time.GetUtcNow() + sync.Value.RetryDelay);
        }
    }

    /// <summary>
    /// One batch request: each write (after its condition, when it has one), then its read-back; the read-backs go to
    /// the sinks, then the outcomes to the store.
    /// </summary>
    private async Task ApplyAsync(PortalTurn turn, StoredWrite[] chunk, IReadOnlyDictionary<string, string> foundIds)
    {
        var memberId = turn.Portal.MemberId;
        var commands = new List<BatchCommand>(chunk.Length * 3);
        var plans = new List<Plan>(chunk.Length);
        for (var i = 0; i < chunk.Length; i++)
        {
            var write = chunk[i];
            var request = write.Request;
            var methods = WriteMethods.For(request.Entity);
            var fetch = entities.Find(request.Entity)!;
            var (guardKey, writeKey, readKey) = ("g" + Index(i), "w" + Index(i), "r" + Index(i));
            if (foundIds.TryGetValue(write.Key, out var foundId))
            {
                // The create was made by an attempt whose answer was lost: only read it back.
                commands.Add(new BatchCommand(readKey, fetch.GetMethod, fetch.GetCommandParameters(foundId)));
                plans.Add(new Plan(write, fetch, methods, null, readKey, foundId, Guarded: false));
                continue;
            }

            var id = request.Id;
            var guarded = request.IfUnmodifiedSince is { } since && fetch.ModifiedField is { } modifiedField;
            if (guarded)
            {
                commands.Add(new BatchCommand(guardKey, methods.ListMethod, methods.GuardParameters(id!, fetch.ModifiedField!, request.IfUnmodifiedSince!.Value)));
            }

            var writeId = request.Action == WriteActions.Create ? null : guarded ? methods.GuardedIdReference(guardKey) : id;
            commands.Add(new BatchCommand(writeKey, methods.Method(request.Action), methods.Parameters(request, writeId)));
            string? readBack = null;
            if (request.Action != WriteActions.Delete || guarded)
            {
                // A guarded delete is read back too: what is still there tells a conflict from a delete.
                readBack = readKey;
                commands.Add(new BatchCommand(readKey, fetch.GetMethod, fetch.GetCommandParameters(request.Action == WriteActions.Create ? methods.CreatedIdReference(writeKey) : id!)));
            }

            plans.Add(new Plan(write, fetch, methods, writeKey, readBack, id, guarded));
        }

        // Durable before the request goes: from here a create's outcome is unknown until an answer says otherwise.
        await store.MarkSentAsync([.. plans.Where(p => p.WriteCommand is not null).Select(p => p.Write.Seq)], time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        await turn.EnsureHeldAsync(CancellationToken.None).ConfigureAwait(false);
        var results = (await batch.RunAsync(memberId, commands, CancellationToken.None).ConfigureAwait(false)).ToDictionary(r => r.Key, StringComparer.Ordinal);
        var fetchedAt = time.GetUtcNow();
        var changes = new List<ObjectChange>();
        var ended = new List<(StoredWrite Write, WriteOutcome Outcome)>();
        foreach (var plan in plans)
        {
            var outcome = WriteResults.Read(plan, results, fetchedAt, changes);
            if (outcome.PausedUntil is { } until)
            {
                turn.Pause(until);
            }

            ended.Add((plan.Write, outcome.Outcome));
        }

        if (changes.Count > 0)
        {
            // The sinks have the state before the write is final: a crash in between applies it again, never loses it.
            await turn.CommitAsync("w_", chunk.Select(w => w.Seq.ToString(CultureInfo.InvariantCulture)), changes).ConfigureAwait(false);
        }

        foreach (var (write, outcome) in ended)
        {
            await outcomes.EndAsync(write, outcome, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The writes in requests of at most 50 commands, in order: a write with its condition and read-back stays in one
    /// request (references work within a request only). A write costs its command and its read-back, one more with a
    /// condition; a create found by its origin only its read-back.
    /// </summary>
    private static IEnumerable<StoredWrite[]> Requests(IEnumerable<StoredWrite> writes, IReadOnlyDictionary<string, string> foundIds)
    {
        var request = new List<StoredWrite>();
        var commands = 0;
        foreach (var write in writes)
        {
            var cost = foundIds.ContainsKey(write.Key) ? 1
                : 1 + (write.Request.IfUnmodifiedSince is null ? 0 : 1) + (write.Request.Action != WriteActions.Delete || write.Request.IfUnmodifiedSince is not null ? 1 : 0);
            if (commands + cost > BitrixBatch.MaxCommands)
            {
                yield return [.. request];
                request.Clear();
                commands = 0;
            }

            request.Add(write);
            commands += cost;
        }

        if (request.Count > 0)
        {
            yield return [.. request];
        }
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

}
