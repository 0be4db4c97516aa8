using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Hosting;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary>
/// <c>batch</c> (CRestProvider::methodsBatch): runs up to 50 <c>"method?query"</c> commands through the invoker,
/// each as its own call against its own method's limits, and answers their results, errors, totals, nexts and
/// times per key. It is one HTTP request for the leaky bucket and cannot itself be batched.
/// </summary>
internal static class BatchMethod
{
    public const int MaxLength = 50;

    public static void Register(MethodRegistry methods) => methods.Add("batch", null, Run, allowedInBatch: false);

    private static MethodResult Run(MethodContext ctx)
    {
        var halt = ctx.FlagParam("halt", defaultValue: false);
        var result = new JsonObject();
        var errors = new JsonObject();
        var totals = new JsonObject();
        var nexts = new JsonObject();
        var times = new JsonObject();
        var sections = new Dictionary<string, JsonObject>
        {
            ["result"] = result, ["error"] = errors, ["total"] = totals, ["next"] = nexts, ["time"] = times,
        };

        foreach (var (key, command) in Commands(ctx.Param("cmd")))
        {
            if (result.Count + errors.Count >= MaxLength)
            {
                errors[key] = Error("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded");
                continue;
            }

            if (string.IsNullOrEmpty(command))
            {
                continue;
            }

            var q = command.IndexOf('?', StringComparison.Ordinal);
            var method = q < 0 ? command : command[..q];
            var parameters = BatchReferences.Resolve(PhpQuery.Parse(q < 0 ? "" : command[(q + 1)..]), sections);
            var started = ctx.Now;
            try
            {
                var answer = ctx.World.Invoker.Invoke(ctx.Hit, method, parameters, inBatch: true);
                result[key] = PhpJson.Normalize(answer.Result);
                if (answer.Next is { } next)
                {
                    nexts[key] = next;
                }

                if (answer.Total is { } total)
                {
                    totals[key] = total;
                }

                times[key] = TimeBlock.Create(ctx.Portal, started, ctx.Now, operating: null);
            }
            catch (RestException ex)
            {
                errors[key] = Error(ex.Code, ex.Description);
                if (halt)
                {
                    break;
                }
            }
        }

        // Empty sections and list-keyed ones take PHP's list shape when the answer is normalized.
        return new JsonObject
        {
            ["result"] = result,
            ["result_error"] = errors,
            ["result_total"] = totals,
            ["result_next"] = nexts,
            ["result_time"] = times,
        };
    }

    /// <summary>The commands by key: an object's keys, or a list's indexes.</summary>
    private static IEnumerable<(string Key, string? Command)> Commands(JsonNode? cmd) => cmd switch
    {
        JsonObject obj => obj.Select(p => (p.Key, MethodContext.Scalar(p.Value)?.Trim())),
        JsonArray list => list.Select((c, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), MethodContext.Scalar(c)?.Trim())),
        _ => [],
    };

    private static JsonObject Error(string code, string description) =>
        new() { ["error"] = code, ["error_description"] = description };
}
