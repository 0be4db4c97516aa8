using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.Bitrix.Batch;

/// <summary>
/// Runs any number of commands through <c>batch</c>, 50 to a request (the server's limit; more would come back as
/// ERROR_BATCH_LENGTH_EXCEEDED). References resolve within one request only, so commands that refer to each other
/// must sit in the same chunk of 50.
/// </summary>
internal sealed class BitrixBatch(BitrixClient client)
{
    public const int MaxCommands = 50;

    public async Task<IReadOnlyList<BatchCommandResult>> RunAsync(string memberId, IReadOnlyList<BatchCommand> commands, bool halt, CancellationToken cancellationToken)
    {
        var results = new List<BatchCommandResult>(commands.Count);
        foreach (var chunk in commands.Chunk(MaxCommands))
        {
            var cmd = new JsonObject();
            foreach (var command in chunk)
            {
                var query = PhpQueryBuilder.Build(command.Parameters);
                cmd[command.Key] = query.Length == 0 ? command.Method : $"{command.Method}?{query}";
            }

            var response = await client.CallAsync(memberId, "batch", new JsonObject { ["halt"] = halt ? 1 : 0, ["cmd"] = cmd }, cancellationToken).ConfigureAwait(false);
            var sections = response.Result as JsonObject;
            var stopped = false;
            foreach (var command in chunk)
            {
                var result = Read(sections, command.Key);
                if (result is null)
                {
                    // With halt, the commands after the first failure are not run and get no entry at all.
                    stopped = true;
                    continue;
                }

                results.Add(result);
            }

            if (halt && (stopped || results.Any(r => !r.Succeeded)))
            {
                break;
            }
        }

        return results;
    }

    private static BatchCommandResult? Read(JsonObject? sections, string key)
    {
        var error = Section(sections, "result_error", key);
        if (error is JsonObject e)
        {
            return new BatchCommandResult(key, null, new BitrixError(e["error"]?.ToString() ?? "", e["error_description"]?.ToString() ?? "", HttpStatusCode.BadRequest), null, null);
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
            : null;
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
