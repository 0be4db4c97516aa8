using System.Globalization;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sinks;
using Bitrix24OfflineSync.Sync;
using Bitrix24OfflineSync.Sync.Drain;
using Bitrix24OfflineSync.Sync.Fetching;
using Bitrix24OfflineSync.Sync.Mapping;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Writes;

/// <summary>
/// Applies a portal's queued writes in its turn, under its lease, oldest first, at most
/// <see cref="WriteApiOptions.WritesPerTurn"/> a turn. Fields are checked first (<see cref="WriteFieldCheck"/>). Writes
/// with <c>ifUnmodifiedSince</c>, and creates sent before whose answer never came, are read in one batch request
/// (<see cref="WritePreReads"/>); the writes then go 25 to a batch request, each followed in the same request by the
/// read-back of its object, which is committed to the sinks with origin <c>write</c> and the write's key before the
/// writes are marked applied. A write is marked sent before its request goes, so a create whose outcome is unknown is
/// looked up by its origin, never sent again blindly.
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
    /// <summary>A write and its read-back: 25 writes fill the 50 commands of one batch request.</summary>
    public const int WritesPerRequest = BitrixBatch.MaxCommands / 2;

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
            foreach (var chunk in ready.Where(w => !found.Done.Contains(w.Key)).Chunk(WritesPerRequest))
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

    /// <summary>One batch request: each write, then its read-back; the read-backs go to the sinks, then the outcomes to the store.</summary>
    private async Task ApplyAsync(PortalTurn turn, StoredWrite[] chunk, IReadOnlyDictionary<string, string> foundIds)
    {
        var memberId = turn.Portal.MemberId;
        var commands = new List<BatchCommand>(chunk.Length * 2);
        var plans = new List<Plan>(chunk.Length);
        for (var i = 0; i < chunk.Length; i++)
        {
            var write = chunk[i];
            var request = write.Request;
            var methods = WriteMethods.For(request.Entity);
            var fetch = entities.Find(request.Entity)!;
            var (writeKey, readKey) = ("w" + Index(i), "r" + Index(i));
            if (foundIds.TryGetValue(write.Key, out var foundId))
            {
                // The create was made by an attempt whose answer was lost: only read it back.
                commands.Add(new BatchCommand(readKey, fetch.GetMethod, fetch.GetCommandParameters(foundId)));
                plans.Add(new Plan(write, fetch, methods, null, readKey, foundId));
                continue;
            }

            commands.Add(new BatchCommand(writeKey, methods.Method(request.Action), methods.Parameters(request, request.Action == WriteActions.Create ? null : request.Id)));
            if (request.Action == WriteActions.Delete)
            {
                plans.Add(new Plan(write, fetch, methods, writeKey, null, request.Id));
                continue;
            }

            var readId = request.Action == WriteActions.Create ? methods.CreatedIdReference(writeKey) : request.Id!;
            commands.Add(new BatchCommand(readKey, fetch.GetMethod, fetch.GetCommandParameters(readId)));
            plans.Add(new Plan(write, fetch, methods, writeKey, readKey, request.Id));
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
            var (write, request) = (plan.Write, plan.Write.Request);
            var id = plan.KnownId;
            if (plan.WriteCommand is { } key && results[key] is var answer && !answer.Succeeded)
            {
                if (answer.PausedUntil is { } until)
                {
                    turn.Pause(until);
                    ended.Add((write, new WriteOutcome(WriteStatus.Queued)));
                }
                else if (request.Action == WriteActions.Delete && answer.Error!.IsNotFound && write.Sent)
                {
                    // An earlier attempt deleted it and its answer was lost.
                    changes.Add(Tombstone(plan.Fetch.Entity, id!, write.Key, fetchedAt));
                    ended.Add((write, new WriteOutcome(WriteStatus.Applied, id)));
                }
                else if (answer.Error!.IsQueryLimit)
                {
                    ended.Add((write, new WriteOutcome(WriteStatus.Queued)));
                }
                else
                {
                    ended.Add((write, WriteOutcomes.Refused(answer.Error!)));
                }

                continue;
            }

            if (plan.WriteCommand is { } created && request.Action == WriteActions.Create)
            {
                id = plan.Methods.CreatedId(results[created].Result);
            }

            if (request.Action == WriteActions.Delete)
            {
                changes.Add(Tombstone(plan.Fetch.Entity, id!, write.Key, fetchedAt));
            }
            else if (plan.ReadCommand is { } read && results[read] is { Succeeded: true } readBack &&
                     FetchAnswers.Single(readBack.Result, plan.Fetch.GetResultKey) is { } state)
            {
                id ??= FetchAnswers.Id(state, plan.Fetch.IdField);
                changes.Add(new ObjectChange(
                    new ObjectKey(plan.Fetch.Entity, id!), ChangeAction.Upsert, state, FetchAnswers.Time(state, plan.Fetch.ModifiedField), fetchedAt, [], [], ChangeOrigin.Write, write.Key));
            }

            ended.Add((write, new WriteOutcome(WriteStatus.Applied, id)));
        }

        if (changes.Count > 0)
        {
            // The sinks have the state before the write is final: a crash in between applies it again, never loses it.
            await turn.CommitAsync(new SinkBatch(memberId, turn.Portal.Domain, $"writes-{chunk[0].Seq}-{chunk[^1].Seq}", changes), CancellationToken.None).ConfigureAwait(false);
        }

        foreach (var (write, outcome) in ended)
        {
            await outcomes.EndAsync(write, outcome, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static ObjectChange Tombstone(string entity, string id, string writeKey, DateTimeOffset fetchedAt) =>
        new(new ObjectKey(entity, id), ChangeAction.Delete, null, null, fetchedAt, [], [], ChangeOrigin.Write, writeKey);

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

    private sealed record Plan(StoredWrite Write, EntityFetch Fetch, WriteMethods Methods, string? WriteCommand, string? ReadCommand, string? KnownId);
}
