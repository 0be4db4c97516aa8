using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Bitrix.Budget;

namespace Bitrix24OfflineSync.Bitrix.Batch;

/// <summary>
/// Runs any number of commands through <c>batch</c>, 50 to a request (the server's limit; more would come back as
/// ERROR_BATCH_LENGTH_EXCEEDED), with <c>halt=0</c>. References resolve within one request only, so commands that
/// refer to each other must sit in the same chunk of 50. Each entry's <c>result_time</c> tells its method's operating
/// time; commands of a method that is blocked, paced, or has no room left for them are not sent but answered as
/// paused (<see cref="BatchCommandResult.PausedUntil"/>), and so are commands the portal refused for operating time.
/// </summary>
internal sealed class BitrixBatch(BitrixClient client, PortalBudgets budgets, BitrixMetrics metrics, TimeProvider time, ILogger<BitrixBatch> logger)
{
    public const int MaxCommands = 50;

    /// <summary>The results in the order of <paramref name="commands"/>, one for each.</summary>
    public async Task<IReadOnlyList<BatchCommandResult>> RunAsync(string memberId, IReadOnlyList<BatchCommand> commands, CancellationToken cancellationToken)
    {
        var admitting = budgets.For(memberId).Operating;
        var results = new Dictionary<string, BatchCommandResult>(StringComparer.Ordinal);
        var send = new List<BatchCommand>(commands.Count);
        foreach (var method in commands.GroupBy(c => c.Method, StringComparer.OrdinalIgnoreCase))
        {
            var (admitted, restAfter) = admitting.Admit(method.Key, method.Count());
            send.AddRange(method.Take(admitted));
            foreach (var held in method.Skip(admitted))
            {
                results[held.Key] = BatchCommandResult.Paused(held.Key, restAfter, sent: false);
            }
        }

        var order = commands.Select((c, i) => (c.Key, i)).ToDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);
        foreach (var chunk in send.OrderBy(c => order[c.Key]).Chunk(MaxCommands))
        {
            var cmd = new JsonObject();
            foreach (var command in chunk)
            {
                var query = PhpQueryBuilder.Build(command.Parameters);
                cmd[command.Key] = query.Length == 0 ? command.Method : $"{command.Method}?{query}";
            }

            var response = await client.CallAsync(memberId, "batch", new JsonObject { ["halt"] = 0, ["cmd"] = cmd }, cancellationToken).ConfigureAwait(false);
            var sections = response.Result as JsonObject;
            var operating = budgets.For(memberId).Operating;
            foreach (var command in chunk)
            {
                BitrixClient.ReadOperating(operating, command.Method, Section(sections, "result_time", command.Key));
            }

            foreach (var command in chunk)
            {
                results[command.Key] = Read(memberId, operating, sections, command);
            }
        }

        return [.. commands.Select(c => results[c.Key])];
    }

    private BatchCommandResult Read(string memberId, OperatingTime operating, JsonObject? sections, BatchCommand command)
    {
        var key = command.Key;
        if (Section(sections, "result_error", key) is JsonObject e)
        {
            var error = new BitrixError(e["error"]?.ToString() ?? "", e["error_description"]?.ToString() ?? "", HttpStatusCode.BadRequest);
            if (error.IsOperationTimeLimit)
            {
                var until = operating.Blocked(command.Method, null);
                BitrixLog.OperationTimeLimit(logger, memberId, command.Method, (until - time.GetUtcNow()).TotalMilliseconds);
                metrics.OperatingBlocked(memberId, command.Method);
                return BatchCommandResult.Paused(key, until, sent: true);
            }

            return new BatchCommandResult(key, null, error, null, null);
        }

        var results = sections?["result"];
        var present = results switch
        {
            JsonObject obj => obj.ContainsKey(key),
            JsonArray list => int.TryParse(key, out var i) && i >= 0 && i < list.Count,
            _ => false,
        };
        return present
            ? new BatchCommandResult(key, Section(sections, "result", key)?.DeepClone(), null, Int(Section(sections, "result_total", key)), Int(Section(sections, "result_next", key)))
            : new BatchCommandResult(key, null, new BitrixError("", "no answer in the batch", HttpStatusCode.OK), null, null);
    }

    /// <summary>A section is an object keyed by command, or a list when the keys were 0..n-1, or <c>[]</c> when empty.</summary>
    private static JsonNode? Section(JsonObject? sections, string name, string key) => sections?[name] switch
    {
        JsonObject obj => obj[key],
        JsonArray list when int.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < list.Count => list[i],
        _ => null,
    };

    private static int? Int(JsonNode? node) =>
        node is not null && int.TryParse(node.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
