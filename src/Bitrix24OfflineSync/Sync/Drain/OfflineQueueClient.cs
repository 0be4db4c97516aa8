using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Model;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// The portal's offline queue through REST, packed for the budget: a reservation is up to
/// <see cref="SyncOptions.GetsPerRequest"/> <c>event.offline.get</c> commands of the limit the drain asks for (a lone
/// look of up to <see cref="SyncOptions.FirstGetLimit"/> rows, or gets of <see cref="SyncOptions.GetLimit"/>), and the clears of a round travel in the same batch request as the next round's reservation.
/// </summary>
internal sealed class OfflineQueueClient(BitrixClient client, BitrixBatch batch, IOptions<SyncOptions> options) : IOfflineQueue
{
    /// <summary>The limit of a re-read by process id: above any reservation this service makes (the options stay below it).</summary>
    private const int RereadLimit = 1000;

    /// <summary>
    /// Reserves new rows with <c>clear=0</c>, <paramref name="gets"/> reservations of up to <paramref name="limit"/> rows. Not safe to repeat: a lost answer leaves orphans for the scan. The
    /// reservations that came back are returned even when other commands of the request failed or were paused.
    /// </summary>
    public async Task<QueueRead> ReserveAsync(string memberId, int gets, int limit, bool errorQueue, CancellationToken cancellationToken)
    {
        var results = await batch.RunAsync(memberId, Gets(gets, limit, errorQueue), cancellationToken).ConfigureAwait(false);
        return Read(results, _ => errorQueue);
    }

    /// <summary>
    /// Clears a committed round and reserves the next one in one batch request: the clears run first (the server runs
    /// a batch's commands in order), then <paramref name="gets"/> new reservations of the normal rows. Not safe to
    /// repeat (it reserves). The reservations come back with what became of the clears; neither throws for the other.
    /// </summary>
    public async Task<(QueueRead Read, ClearOutcome Cleared)> ClearAndReserveAsync(
        string memberId, IReadOnlyList<QueueClear> clears, int gets, int limit, CancellationToken cancellationToken)
    {
        var clearCommands = Clears(clears);
        var results = await batch.RunAsync(memberId, [.. clearCommands, .. Gets(gets, limit, errorQueue: false)], cancellationToken).ConfigureAwait(false);
        return (Read(results.Skip(clearCommands.Count).ToList(), _ => false), Cleared(results.Take(clearCommands.Count)));
    }

    /// <summary>Re-reads recorded reservations by process id (<c>clear=0</c>): safe to repeat.</summary>
    public async Task<QueueRead> RereadAsync(string memberId, IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken)
    {
        var commands = entries.Select((e, i) => new BatchCommand($"r{i}", "event.offline.get", new JsonObject
        {
            ["process_id"] = e.ProcessId,
            ["clear"] = 0,
            ["limit"] = RereadLimit,
            ["error"] = e.ErrorQueue ? 1 : 0,
        })).ToList();
        var results = await batch.RunAsync(memberId, commands, cancellationToken).ConfigureAwait(false);
        return Read(results, i => entries[i].ErrorQueue);
    }

    /// <summary>Deletes reserved rows: whole reservations, or only the listed rows of one. Never with an empty list (that would clear all).</summary>
    public async Task<ClearOutcome> ClearAsync(string memberId, IReadOnlyList<QueueClear> clears, CancellationToken cancellationToken) =>
        Cleared(await batch.RunAsync(memberId, Clears(clears), cancellationToken).ConfigureAwait(false));

    private static List<BatchCommand> Gets(int gets, int limit, bool errorQueue) =>
        [.. Enumerable.Range(0, gets).Select(i => new BatchCommand($"g{i}", "event.offline.get", new JsonObject
        {
            ["clear"] = 0,
            ["limit"] = limit,
            ["error"] = errorQueue ? 1 : 0,
        }))];

    private static List<BatchCommand> Clears(IReadOnlyList<QueueClear> clears)
    {
        var commands = new List<BatchCommand>();
        foreach (var clear in clears.Where(c => !c.IsEmpty))
        {
            var parameters = new JsonObject { ["process_id"] = clear.ProcessId };
            if (!clear.Whole)
            {
                parameters["message_id"] = new JsonArray([.. clear.MessageIds.Select(m => JsonValue.Create(m))]);
            }

            commands.Add(new BatchCommand($"c{commands.Count}", "event.offline.clear", parameters));
        }

        return commands;
    }

    private static ClearOutcome Cleared(IEnumerable<BatchCommandResult> results)
    {
        DateTimeOffset? pausedUntil = null;
        BitrixError? error = null;
        foreach (var result in results)
        {
            if (result.PausedUntil is { } until)
            {
                pausedUntil = pausedUntil > until ? pausedUntil : until;
            }
            else if (!result.Succeeded)
            {
                error ??= result.Error;
            }
        }

        return new ClearOutcome(pausedUntil, error);
    }

    /// <summary>Moves rows out of a reservation into the error rows (they come back only with <c>error=1</c>).</summary>
    public Task MarkErrorAsync(string memberId, string processId, IReadOnlyList<string> messageIds, CancellationToken cancellationToken) =>
        client.CallAsync(memberId, "event.offline.error", new JsonObject
        {
            ["process_id"] = processId,
            ["message_id"] = new JsonArray([.. messageIds.Select(m => JsonValue.Create(m))]),
        }, cancellationToken);

    /// <summary>Every process id holding reserved rows, with whether they are error rows (for the orphan scan).</summary>
    public async Task<IReadOnlyDictionary<string, bool>> ReservedProcessIdsAsync(string memberId, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, bool>(StringComparer.Ordinal);
        int? start = 0;
        while (start is { } offset)
        {
            var page = await client.CallAsync(memberId, "event.offline.list", new JsonObject
            {
                ["filter"] = new JsonObject { [">PROCESS_ID"] = "" },
                ["start"] = offset,
            }, cancellationToken).ConfigureAwait(false);
            foreach (var row in page.Result as JsonArray ?? [])
            {
                if (row?["PROCESS_ID"]?.ToString() is { Length: > 0 } processId)
                {
                    found[processId] = row["ERROR"]?.ToString() == "1";
                }
            }

            start = page.Next;
        }

        return found;
    }

    /// <summary>The only read a plan without rest_offline_extended allows: <c>clear=1</c>, rows are deleted as they are returned.</summary>
    /// <remarks>
    /// With a <paramref name="processId"/> it returns (and deletes) the rows of an earlier reservation, which is how a
    /// portal whose plan lost the feature gets back what it had reserved: <c>clear=1</c> needs no feature.
    /// </remarks>
    public async Task<IReadOnlyList<OfflineEvent>> ReadAndDeleteAsync(string memberId, string? processId, CancellationToken cancellationToken)
    {
        var parameters = new JsonObject { ["limit"] = processId is null ? options.Value.GetLimit : RereadLimit };
        if (processId is not null)
        {
            parameters["process_id"] = processId;
            parameters["clear"] = 1;
        }

        var response = await client.CallAsync(memberId, "event.offline.get", parameters, cancellationToken).ConfigureAwait(false);
        return Events(response.Result);
    }

    private static QueueRead Read(IReadOnlyList<BatchCommandResult> results, Func<int, bool> errorQueue)
    {
        var reservations = new List<Reservation>();
        BitrixError? error = null;
        DateTimeOffset? pausedUntil = null;
        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            if (result.PausedUntil is { } until)
            {
                pausedUntil = pausedUntil > until ? pausedUntil : until;
            }
            else if (result.Error is { } failure)
            {
                error ??= failure;
            }
            else if (result.Result?["process_id"]?.ToString() is { Length: > 0 } processId)
            {
                reservations.Add(new Reservation(processId, errorQueue(i), Events(result.Result)));
            }
        }

        return new QueueRead(reservations, pausedUntil, error);
    }

    private static List<OfflineEvent> Events(JsonNode? result) =>
        [.. (result?["events"] as JsonArray ?? []).Select(OfflineEvent.From).OfType<OfflineEvent>()];
}

/// <summary>
/// What a batch of <c>event.offline.get</c> commands brought: the reservations read (empty ones too), when the method
/// may be asked again if some commands were paused for operating time, and the first other error.
/// </summary>
internal sealed record QueueRead(IReadOnlyList<Reservation> Reservations, DateTimeOffset? PausedUntil, BitrixError? Error);

/// <summary>What became of a round's clears: all done, some paused for operating time (until then), or one failed.</summary>
internal sealed record ClearOutcome(DateTimeOffset? PausedUntil, BitrixError? Error);
