using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Diagnostics;

namespace Bitrix24OfflineSync.Emulator.Rest;

/// <summary>
/// Runs one method for a hit, whether it came alone or inside a batch: lookup, scope, the operating-time limit,
/// the call itself under the portal's lock, the cloud profile's processing cost (charged to the hit, waited for by
/// the endpoint once the request is handled), accounting, counters and the call log.
/// </summary>
internal sealed class MethodInvoker(BitrixWorld world)
{
    public MethodResult Invoke(HitContext hit, string method, JsonObject parameters, bool inBatch)
    {
        var name = NormalizeName(method);
        var caller = hit.Caller;
        var portal = hit.Portal;
        var status = HttpStatusCode.OK;
        string? errorCode = null;
        MethodResult? result = null;
        TimeSpan? took = null;
        try
        {
            var descriptor = world.Methods.Find(name)
                ?? throw new RestException(HttpStatusCode.NotFound, "ERROR_METHOD_NOT_FOUND", "Method not found!");
            if (inBatch && !descriptor.AllowedInBatch)
            {
                throw new RestException(HttpStatusCode.BadRequest, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage");
            }

            if (caller.App is { } app)
            {
                if (!app.HasScope(descriptor.Scope))
                {
                    throw new RestException(HttpStatusCode.Unauthorized, "insufficient_scope", "The request requires higher privileges than provided by the access token");
                }

                if (portal.OperatingLimiter.IsBlocked(app.ClientId, name))
                {
                    portal.Stats.CountRejectedByOperatingLimit();
                    throw new RestException((HttpStatusCode)429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.");
                }
            }

            var context = new MethodContext(hit, name, parameters);
            var cost = portal.Cloud.CostOf(name, parameters);
            hit.AddProcessing(cost);
            if (name == "batch")
            {
                result = descriptor.Handler(context);
            }
            else
            {
                lock (portal.Sync)
                {
                    // Timed inside the lock: the wait for it is the emulator's, not the method's operating time.
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        result = descriptor.Handler(context);
                    }
                    finally
                    {
                        // With the cloud profile on, the server's processing is part of what the call cost.
                        took = Stopwatch.GetElapsedTime(started) + cost;
                    }
                }
            }

            return result;
        }
        catch (RestException ex)
        {
            status = ex.Status;
            errorCode = ex.Code;
            throw;
        }
        finally
        {
            // Only a call that ran costs operating time: a refused one (blocked, unknown, out of scope) would otherwise
            // keep a blocked method blocked for as long as the client retried it. The outer batch is never counted.
            if (took is { } spent && caller.App is { } app)
            {
                portal.OperatingLimiter.Account(app.ClientId, name, spent);
            }

            if (caller.ViaRest)
            {
                portal.Stats.CountCall(name);
                portal.Stats.Log(new CallLogEntry(
                    world.NextSequence(),
                    world.Time.GetUtcNow(),
                    portal.Domain,
                    name,
                    caller.App?.ClientId,
                    (int)status,
                    errorCode,
                    ProcessIdOf(parameters, result),
                    inBatch,
                    hit.RequestId));
            }
        }
    }

    /// <summary><c>crm.deal.get.json</c> and <c>CRM.DEAL.GET</c> are <c>crm.deal.get</c>.</summary>
    public static string NormalizeName(string method)
    {
        var name = method.Trim().Trim('/');
        if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^5];
        }

        return name.ToLowerInvariant();
    }

    private static string? ProcessIdOf(JsonObject parameters, MethodResult? result)
    {
        foreach (var (key, value) in parameters)
        {
            if (string.Equals(key, "process_id", StringComparison.OrdinalIgnoreCase))
            {
                return MethodContext.Scalar(value);
            }
        }

        return result?.Result is JsonObject obj ? MethodContext.Scalar(obj["process_id"]) : null;
    }
}
