using System.Globalization;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sync.Drain;
using Bitrix24OfflineSync.Sync.Fetching;
using Bitrix24OfflineSync.Sync.Mapping;

namespace Bitrix24OfflineSync.Writes;

/// <summary>
/// What is read before writes go, in one batch request for up to 50 writes: the object of a write with
/// <c>ifUnmodifiedSince</c> (a newer modification time ends the write as <c>conflict</c>, nothing changed), and, for a
/// create sent before whose answer never came, the objects carrying its origin (found: it is not created again).
/// Bitrix24 has no conditional update: the window between this read and the write is the next request, no longer.
/// </summary>
internal sealed class WritePreReads(BitrixBatch batch, SyncedEntities entities, WriteOutcomes outcomes, ILogger<WritePreReads> logger)
{
    public async Task<PreReadResult> RunAsync(PortalTurn turn, IReadOnlyList<StoredWrite> writes)
    {
        var memberId = turn.Portal.MemberId;
        var done = new HashSet<string>(StringComparer.Ordinal);
        var foundIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var reads = writes.Where(w => w.Request.IfUnmodifiedSince is not null || (w.Request.Action == WriteActions.Create && w.Sent)).ToList();
        foreach (var chunk in reads.Chunk(BitrixBatch.MaxCommands))
        {
            var commands = chunk.Select((w, i) =>
            {
                var key = "p" + i.ToString(CultureInfo.InvariantCulture);
                var methods = WriteMethods.For(w.Request.Entity);
                var fetch = entities.Find(w.Request.Entity)!;
                return w.Request.Action == WriteActions.Create
                    ? new BatchCommand(key, methods.ListMethod, methods.LookupParameters(w.Key))
                    : new BatchCommand(key, fetch.GetMethod, fetch.GetCommandParameters(w.Request.Id!));
            }).ToList();
            await turn.EnsureHeldAsync(CancellationToken.None).ConfigureAwait(false);
            var results = await batch.RunAsync(memberId, commands, CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < chunk.Length; i++)
            {
                var (write, answer) = (chunk[i], results[i]);
                if (answer.PausedUntil is { } until)
                {
                    turn.Pause(until);
                    done.Add(write.Key);
                    continue;
                }

                if (!answer.Succeeded)
                {
                    if (write.Request.Action == WriteActions.Create || answer.Error!.IsQueryLimit)
                    {
                        // Without knowing whether the create was made, it waits; so does a read the limits refused.
                        done.Add(write.Key);
                        WritesLog.Waiting(logger, memberId, $"the read before write {write.Key} failed ({answer.Error})");
                    }
                    else
                    {
                        done.Add(write.Key);
                        await outcomes.EndAsync(write, WriteOutcomes.Refused(answer.Error!), CancellationToken.None).ConfigureAwait(false);
                    }

                    continue;
                }

                if (write.Request.Action == WriteActions.Create)
                {
                    if (WriteMethods.For(write.Request.Entity).FoundId(answer.Result) is { } id)
                    {
                        WritesLog.FoundByOrigin(logger, write.Key, memberId, write.Request.Entity, id);
                        foundIds[write.Key] = id;
                    }

                    continue;
                }

                var fetch = entities.Find(write.Request.Entity)!;
                var state = FetchAnswers.Single(answer.Result, fetch.GetResultKey);
                var modified = state is null ? null : FetchAnswers.Time(state, fetch.ModifiedField);
                if (modified > write.Request.IfUnmodifiedSince)
                {
                    done.Add(write.Key);
                    var text = state![fetch.ModifiedField!]!.ToString();
                    await outcomes.EndAsync(write, new WriteOutcome(WriteStatus.Conflict, null, "CONFLICT", $"The object was modified at {text}, after ifUnmodifiedSince."), CancellationToken.None).ConfigureAwait(false);
                }
            }
        }

        return new PreReadResult(done, foundIds);
    }
}

/// <summary>The writes the pre-reads settled or held back (<see cref="Done"/>), and the creates found by their origin.</summary>
internal sealed record PreReadResult(IReadOnlySet<string> Done, IReadOnlyDictionary<string, string> FoundIds);
