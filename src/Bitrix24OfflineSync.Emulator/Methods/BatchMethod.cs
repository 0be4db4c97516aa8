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
        // (bool) $query['HALT']: "0", "" and 0 are false; any other string, "false" and "N" included, is true.
        var halt = PhpValues.Truthy(ctx.Param("halt"));
        var result = new JsonObject();
        var errors = new JsonObject();
        var totals = new JsonObject();
        var nexts = new JsonObject();
        var times = new JsonObject();
        var sections = new Dictionary<string, JsonObject>
        {
            ["result"] = result, ["error"] = errors, ["total"] = totals, ["next"] = nexts, ["time"] = times,
        };

        var count = 0;
        foreach (var (key, entry) in PhpValues.Entries(ctx.Param("cmd")))
        {
            // Every entry counts toward the 50, whether it runs or not; past them, halt stops at the first one.
            if (count++ >= MaxLength)
            {
                errors[key] = Error("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded");
                if (halt)
                {
                    break;
                }

                continue;
            }

            if (CommandText(entry) is not { Length: > 0 } command)
            {
                continue;
            }

            var q = command.IndexOf('?', StringComparison.Ordinal);
            var method = q < 0 ? command : command[..q];
            var parameters = BatchReferences.Resolve(PhpQuery.Parse(q < 0 ? "" : command[(q + 1)..]), sections);
            // The commands run one after another: with the cloud profile each one starts when the one before finished.
            var started = ctx.Now + ctx.Hit.Processing;
            try
            {
                var answer = ctx.World.Invoker.Invoke(ctx.Hit, method, parameters, inBatch: true);
                result[key] = answer.Shaped ? answer.Result : PhpJson.Normalize(answer.Result);
                if (answer.Next is { } next)
                {
                    nexts[key] = next;
                }

                if (answer.Total is { } total)
                {
                    totals[key] = total;
                }

                times[key] = TimeBlock.For(ctx.Portal, ctx.Caller, MethodInvoker.NormalizeName(method), started, ctx.Now + ctx.Hit.Processing);
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

        // Every entry is in PHP's shape by now; the sections take it here (empty or list-keyed ones become lists), so
        // the whole answer goes out without being copied again.
        return new MethodResult(
            new JsonObject
            {
                ["result"] = PhpJson.ShapeOwned(result),
                ["result_error"] = PhpJson.ShapeOwned(errors),
                ["result_total"] = PhpJson.ShapeOwned(totals),
                ["result_next"] = PhpJson.ShapeOwned(nexts),
                ["result_time"] = PhpJson.ShapeOwned(times),
            },
            Shaped: true);
    }

    /// <summary>A command's text; null for an entry that is not a string (a nested array, a number), which is never run.</summary>
    public static string? CommandText(JsonNode? entry) =>
        entry is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>().Trim() : null;

    private static JsonObject Error(string code, string description) =>
        new() { ["error"] = code, ["error_description"] = description };
}
