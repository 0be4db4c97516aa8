using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix.Batch;
using Bitrix24OfflineSync.Sinks;

namespace Bitrix24OfflineSync.Sync.Resolution;

/// <summary>
/// Fetches current states with as few requests as the API allows: per entity one list command per 50 ids (an ID
/// array filter is IN, so one page holds them all), 50 commands to a batch request: 2,500 objects a request.
/// Single gets serve only where a list cannot: an entity without a list method, or a list command that failed.
/// A transient failure of a request is not caught: the caller's batch stays reserved and is retried whole. Objects
/// whose method is paused for its operating time are answered as paused, never fetched one by one instead.
/// </summary>
internal sealed class StateFetcher(BitrixBatch batch, TimeProvider time, ILogger<StateFetcher> logger)
{
    public const int IdsPerList = 50;

    public async Task<IReadOnlyDictionary<ObjectKey, FetchOutcome>> FetchAsync(
        string memberId, IReadOnlyList<(ObjectKey Key, EntityFetch Fetch)> objects, CancellationToken cancellationToken)
    {
        var outcomes = new Dictionary<ObjectKey, FetchOutcome>();
        var planned = new List<Command>();
        foreach (var entity in objects.GroupBy(o => o.Fetch.Entity, StringComparer.Ordinal))
        {
            var fetch = entity.First().Fetch;
            var ids = entity.Select(o => o.Key.Id).Distinct(StringComparer.Ordinal).OrderBy(id => id.Length).ThenBy(id => id, StringComparer.Ordinal);
            planned.AddRange(fetch.ListMethod is null
                ? ids.Select(id => Command.Get(fetch, id))
                : ids.Chunk(IdsPerList).Select(chunk => Command.List(fetch, chunk)));
        }

        var requests = 0;
        var fallback = await RunAsync(memberId, planned, outcomes, () => requests++, cancellationToken).ConfigureAwait(false);
        if (fallback.Count > 0)
        {
            await RunAsync(memberId, fallback, outcomes, () => requests++, cancellationToken).ConfigureAwait(false);
        }

        FetchLog.Fetched(logger, memberId, outcomes.Count, requests);
        return outcomes;
    }

    /// <summary>Runs the commands 50 to a request; returns the single gets that must replace failed list commands.</summary>
    private async Task<List<Command>> RunAsync(
        string memberId, List<Command> planned, Dictionary<ObjectKey, FetchOutcome> outcomes, Action countRequest, CancellationToken cancellationToken)
    {
        var fallback = new List<Command>();
        foreach (var chunk in planned.Chunk(BitrixBatch.MaxCommands))
        {
            var commands = chunk.Select((c, i) => new BatchCommand(i.ToString(CultureInfo.InvariantCulture), c.Method, c.Parameters)).ToList();

            // Taken before sending: a state fetched by a later request always carries a later time.
            var fetchedAt = time.GetUtcNow();
            countRequest();
            var results = (await batch.RunAsync(memberId, commands, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.Key, StringComparer.Ordinal);
            for (var i = 0; i < chunk.Length; i++)
            {
                var result = results.GetValueOrDefault(commands[i].Key);
                if (chunk[i].IsList)
                {
                    ReadList(memberId, chunk[i], result, fetchedAt, outcomes, fallback);
                }
                else
                {
                    ReadGet(memberId, chunk[i], result, fetchedAt, outcomes);
                }
            }
        }

        return fallback;
    }

    private void ReadList(string memberId, Command command, BatchCommandResult? result, DateTimeOffset fetchedAt, Dictionary<ObjectKey, FetchOutcome> outcomes, List<Command> fallback)
    {
        var fetch = command.Fetch;
        if (result?.PausedUntil is { } until)
        {
            // A method blocked for its operating time would block its single gets' neighbours too: wait for the reset.
            Pause(command, until, fetchedAt, outcomes);
            return;
        }

        if (result?.Succeeded != true || FetchAnswers.Rows(result.Result, fetch.ListResultKey) is not { } rows)
        {
            var error = result?.Error?.ToString() ?? (result is null ? "no answer in the batch" : "the answer holds no rows");
            FetchLog.ListFailed(logger, memberId, fetch.Entity, command.Method, error, command.Ids.Count);
            fallback.AddRange(command.Ids.Select(id => Command.Get(fetch, id)));
            return;
        }

        var requested = command.Ids.ToHashSet(StringComparer.Ordinal);
        var found = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var foreign = false;
        foreach (var row in rows.OfType<JsonObject>())
        {
            if (FetchAnswers.Id(row, fetch.IdField) is { } id && requested.Contains(id))
            {
                found[id] = row;
            }
            else
            {
                foreign = true;
            }
        }

        // Absence proves the object gone only when the answer is exactly the filtered set on one page.
        var complete = result.Next is null && !foreign;
        if (!complete)
        {
            FetchLog.ListIncomplete(logger, memberId, fetch.Entity, command.Method);
        }

        foreach (var id in command.Ids)
        {
            var key = new ObjectKey(fetch.Entity, id);
            if (found.TryGetValue(id, out var row))
            {
                outcomes[key] = FetchOutcome.Found((JsonObject)row.DeepClone(), fetchedAt);
            }
            else if (complete)
            {
                outcomes[key] = FetchOutcome.Gone(fetchedAt);
            }
            else
            {
                fallback.Add(Command.Get(fetch, id));
            }
        }
    }

    private void ReadGet(string memberId, Command command, BatchCommandResult? result, DateTimeOffset fetchedAt, Dictionary<ObjectKey, FetchOutcome> outcomes)
    {
        var fetch = command.Fetch;
        var id = command.Ids[0];
        var key = new ObjectKey(fetch.Entity, id);
        if (result?.PausedUntil is { } until)
        {
            Pause(command, until, fetchedAt, outcomes);
            return;
        }

        if (result?.Error is { IsNotFound: true })
        {
            outcomes[key] = FetchOutcome.Gone(fetchedAt);
            return;
        }

        if (result?.Succeeded == true && FetchAnswers.Single(result.Result, fetch.GetResultKey) is { } state)
        {
            outcomes[key] = FetchOutcome.Found((JsonObject)state.DeepClone(), fetchedAt);
            return;
        }

        var reason = result is null ? $"{command.Method} got no answer in the batch"
            : result.Error is { } error ? $"{command.Method} answered {error}"
            : $"{command.Method} answered no object";
        FetchLog.ObjectFailed(logger, memberId, fetch.Entity, id, reason);
        outcomes[key] = FetchOutcome.Failed(reason, fetchedAt);
    }

    private static void Pause(Command command, DateTimeOffset until, DateTimeOffset fetchedAt, Dictionary<ObjectKey, FetchOutcome> outcomes)
    {
        foreach (var id in command.Ids)
        {
            outcomes[new ObjectKey(command.Fetch.Entity, id)] = FetchOutcome.Paused(until, fetchedAt);
        }
    }

    private sealed record Command(EntityFetch Fetch, string Method, JsonObject Parameters, IReadOnlyList<string> Ids, bool IsList)
    {
        public static Command Get(EntityFetch fetch, string id) => new(fetch, fetch.GetMethod, fetch.GetCommandParameters(id), [id], IsList: false);

        public static Command List(EntityFetch fetch, string[] ids) => new(fetch, fetch.ListMethod!, fetch.ListCommandParameters(ids), ids, IsList: true);
    }
}
