using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sync.Journal;
using Bitrix24OfflineSync.Sync.Model;
using Microsoft.Extensions.Options;

namespace Bitrix24OfflineSync.Sync.Drain;

/// <summary>
/// The portal's offline queue through REST, packed for the budget: one batch request reserves up to
/// <see cref="SyncOptions.GetsPerRequest"/> × <see cref="SyncOptions.GetLimit"/> rows, one clears as many reservations.
/// </summary>
internal sealed class OfflineQueueClient(BitrixClient client, BitrixBatch batch, IOptions<SyncOptions> options)
{
    /// <summary>The limit of a re-read by process id: above any reservation this service makes.</summary>
    private const int RereadLimit = 1000;

    /// <summary>Reserves new rows with <c>clear=0</c>. Not safe to repeat: a lost answer leaves orphans for the scan.</summary>
    public async Task<IReadOnlyList<Reservation>> ReserveAsync(string memberId, bool errorQueue, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var commands = Enumerable.Range(0, settings.GetsPerRequest)
            .Select(i => new BatchCommand($"g{i}", "event.offline.get", new JsonObject { ["clear"] = 0, ["limit"] = settings.GetLimit, ["error"] = errorQueue ? 1 : 0 }))
            .ToList();
        var results = await batch.RunAsync(memberId, commands, halt: false, cancellationToken).ConfigureAwait(false);
        return [.. results.Select(r => Read(memberId, r, errorQueue)).OfType<Reservation>()];
    }

    /// <summary>Re-reads recorded reservations by process id (<c>clear=0</c>): safe to repeat.</summary>
    public async Task<IReadOnlyList<Reservation>> RereadAsync(string memberId, IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken)
    {
        var commands = entries.Select((e, i) => new BatchCommand($"r{i}", "event.offline.get", new JsonObject
        {
            ["process_id"] = e.ProcessId,
            ["clear"] = 0,
            ["limit"] = RereadLimit,
            ["error"] = e.ErrorQueue ? 1 : 0,
        })).ToList();
        var results = await batch.RunAsync(memberId, commands, halt: false, cancellationToken).ConfigureAwait(false);
        return [.. results.Select((r, i) => Read(memberId, r, entries[i].ErrorQueue)).OfType<Reservation>()];
    }

    /// <summary>Deletes reserved rows: whole reservations, or only the listed rows of one. Never with an empty list (that would clear all).</summary>
    public async Task ClearAsync(string memberId, IReadOnlyList<(string ProcessId, IReadOnlyList<string>? MessageIds)> clears, CancellationToken cancellationToken)
    {
        var commands = new List<BatchCommand>();
        foreach (var (processId, messageIds) in clears)
        {
            if (messageIds is { Count: 0 })
            {
                continue;
            }

            var parameters = new JsonObject { ["process_id"] = processId };
            if (messageIds is not null)
            {
                parameters["message_id"] = new JsonArray([.. messageIds.Select(m => JsonValue.Create(m))]);
            }

            commands.Add(new BatchCommand($"c{commands.Count}", "event.offline.clear", parameters));
        }

        var results = await batch.RunAsync(memberId, commands, halt: false, cancellationToken).ConfigureAwait(false);
        if (results.FirstOrDefault(r => !r.Succeeded) is { } failed)
        {
            throw new BitrixApiException(memberId, "event.offline.clear", failed.Error!);
        }
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
    public async Task<IReadOnlyList<OfflineEvent>> TakeAsync(string memberId, CancellationToken cancellationToken)
    {
        var response = await client.CallAsync(memberId, "event.offline.get", new JsonObject { ["limit"] = options.Value.GetLimit }, cancellationToken).ConfigureAwait(false);
        return Events(response.Result);
    }

    private static Reservation? Read(string memberId, BatchCommandResult result, bool errorQueue)
    {
        if (result.Error is { } error)
        {
            throw new BitrixApiException(memberId, "event.offline.get", error);
        }

        var processId = result.Result?["process_id"]?.ToString();
        return string.IsNullOrEmpty(processId) ? null : new Reservation(processId, errorQueue, Events(result.Result));
    }

    private static List<OfflineEvent> Events(JsonNode? result) =>
        [.. (result?["events"] as JsonArray ?? []).Select(OfflineEvent.From).OfType<OfflineEvent>()];
}
