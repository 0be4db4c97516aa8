using System.Globalization;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sync.Turns;

namespace Bitrix24OfflineSync.Writes;

/// <summary>
/// What is read before creates go again: for a create sent before whose answer never came, the objects carrying its
/// origin, in one batch request for up to 50 such creates (found: it is read back, not created again).
/// </summary>
internal sealed class WritePreReads(BitrixBatch batch, ILogger<WritePreReads> logger)
{
    public async Task<PreReadResult> RunAsync(PortalTurn turn, IReadOnlyList<StoredWrite> writes)
    {
        var memberId = turn.Portal.MemberId;
        var done = new HashSet<string>(StringComparer.Ordinal);
        var foundIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var reads = writes.Where(w => w.Request.Action == WriteActions.Create && w.Sent).ToList();
        foreach (var chunk in reads.Chunk(BitrixBatch.MaxCommands))
        {
            var commands = chunk.Select((w, i) =>
            {
                var key = "p" + i.ToString(CultureInfo.InvariantCulture);
                var methods = WriteMethods.For(w.Request.Entity);
                return new BatchCommand(key, methods.ListMethod, methods.LookupParameters(w.Key));
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
                    // Without knowing whether the create was made, it waits.
                    done.Add(write.Key);
                    WritesLog.Waiting(logger, memberId, $"the lookup of write {write.Key} by its origin failed ({answer.Error})");
                    continue;
                }

                if (WriteMethods.For(write.Request.Entity).FoundId(answer.Result) is { } id)
                {
                    WritesLog.FoundByOrigin(logger, write.Key, memberId, write.Request.Entity, id);
                    foundIds[write.Key] = id;
                }
            }
        }

        return new PreReadResult(done, foundIds);
    }
}

/// <summary>The writes the pre-reads settled or held back (<see cref="Done"/>), and the creates found by their origin.</summary>
internal sealed record PreReadResult(IReadOnlySet<string> Done, IReadOnlyDictionary<string, string> FoundIds);
