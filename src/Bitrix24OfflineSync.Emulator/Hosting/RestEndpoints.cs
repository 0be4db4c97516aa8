using System.Net;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Diagnostics;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary>
/// <c>{base}/{domain}/rest/{method}</c> (and <c>/rest/{method}</c> with the portal in the Host header): the order of
/// checks follows the server: the round trip, the request-intensity bucket, auth, injected 5xx, the method, finalize,
/// the processing time the cloud profile charged, and a response that may be dropped after the change is committed.
/// </summary>
internal static class RestEndpoints
{
    public static IEndpointRouteBuilder MapRest(this IEndpointRouteBuilder endpoints, BitrixWorld world)
    {
        endpoints.MapMethods("/{portal}/rest/{**method}", ["GET", "POST"],
            (HttpContext http, string portal, string method) => HandleAsync(http, world, world.FindPortal(portal), method));
        endpoints.MapMethods("/rest/{**method}", ["GET", "POST"],
            (HttpContext http, string method) => HandleAsync(http, world, world.FindPortal(http.Request.Host.Host), method));
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext http, BitrixWorld world, EmulatedPortal? portal, string method)
    {
        if (portal is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var name = MethodInvoker.NormalizeName(method);
        var cancellation = http.RequestAborted;
        ConnectionCounter.Seen(http, portal);
        JsonObject parameters;
        try
        {
            parameters = await RequestParameters.ReadAsync(http.Request, cancellation).ConfigureAwait(false);
        }
        catch (RestException ex)
        {
            await WriteErrorAsync(http, ex).ConfigureAwait(false);
            return;
        }

        using var inFlight = portal.Stats.Enter(MethodsIn(name, parameters));
        portal.Stats.CountRequest();
        // The network first: the round trip (or a slow portal's latency fault) is spent before the server sees the request.
        if (portal.Cloud.RoundTrip(portal.Faults.Latency) is { Ticks: > 0 } roundTrip)
        {
            await Task.Delay(roundTrip, world.Time, cancellation).ConfigureAwait(false);
        }

        var start = world.Time.GetUtcNow();

        if (!portal.Bucket.TryTake())
        {
            portal.Stats.CountRejectedByLimit();
            await WriteErrorAsync(http, new RestException(HttpStatusCode.ServiceUnavailable, "QUERY_LIMIT_EXCEEDED", "Too many requests")).ConfigureAwait(false);
            return;
        }

        Caller caller;
        try
        {
            caller = Authenticate(http, world, portal, parameters);
        }
        catch (RestException ex)
        {
            await WriteErrorAsync(http, ex).ConfigureAwait(false);
            return;
        }

        if (portal.Faults.ServerErrorRate > 0 && world.NextRandom() < portal.Faults.ServerErrorRate)
        {
            await WriteErrorAsync(http, new RestException(HttpStatusCode.InternalServerError, "INTERNAL_SERVER_ERROR", "Internal server error")).ConfigureAwait(false);
            return;
        }

        var hit = new HitContext(world, portal, caller);
        MethodResult? result = null;
        RestException? error = null;
        try
        {
            result = world.Invoker.Invoke(hit, name, parameters, inBatch: false);
        }
        catch (RestException ex)
        {
            error = ex;
        }
        finally
        {
            world.Events.FinishHit(hit);
        }

        if (hit.Processing > TimeSpan.Zero)
        {
            // The server's work as the cloud profile prices it: an asynchronous wait, so any number of requests wait at once.
            await Task.Delay(hit.Processing, world.Time, cancellation).ConfigureAwait(false);
        }

        if (portal.Faults.TakeTargetedDrop(MethodsIn(name, parameters)) ||
            (portal.Faults.DropResponseRate > 0 && world.NextRandom() < portal.Faults.DropResponseRate))
        {
            // The change is committed; the client sees a reset connection and cannot know it.
            http.Abort();
            return;
        }

        if (error is not null)
        {
            await WriteErrorAsync(http, error).ConfigureAwait(false);
            return;
        }

        var response = new JsonObject { ["result"] = result!.Shaped ? result.Result : PhpJson.Normalize(result.Result) };
        if (result.Next is { } next)
        {
            response["next"] = next;
        }

        if (result.Total is { } total)
        {
            response["total"] = total;
        }

        response["time"] = TimeBlock.For(portal, caller, name, start, world.Time.GetUtcNow());
        await WriteJsonAsync(http, StatusCodes.Status200OK, response).ConfigureAwait(false);
    }

    private static Caller Authenticate(HttpContext http, BitrixWorld world, EmulatedPortal portal, JsonObject parameters)
    {
        var token = RequestParameters.Take(parameters, "auth") ?? RequestParameters.Take(parameters, "access_token");
        var header = http.Request.Headers.Authorization.ToString();
        if (token is null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header[7..].Trim();
        }

        var hasConnector = RequestParameters.TryTake(parameters, "auth_connector", out var connectorValue);
        var connector = connectorValue ?? "";
        if (string.IsNullOrEmpty(token))
        {
            throw new RestException(HttpStatusCode.Unauthorized, "NO_AUTH_FOUND", "Wrong authorization data");
        }

        var grant = world.OAuth.ResolveAccessToken(token, out var expired);
        if (grant is null || grant.Portal != portal)
        {
            throw new RestException(HttpStatusCode.Unauthorized, "invalid_token", "The access token provided is invalid");
        }

        if (expired)
        {
            throw new RestException(HttpStatusCode.Unauthorized, "expired_token", "The access token provided has expired");
        }

        // CRestServer::checkAuth tests the key with isset: even an empty auth_connector needs the plan feature.
        if (hasConnector && !portal.HasFeature(EmulatedPortal.AuthConnectorFeature))
        {
            throw RestException.License("auth_connector");
        }

        // What a token may do is its user's: any user who opens an app holds valid tokens of it.
        return new Caller(grant.App, grant.UserId, portal.Users.IsAdmin(grant.UserId), connector, ViaRest: true);
    }

    /// <summary>The method itself and, for a batch, the methods of its commands, for the concurrency gauges.</summary>
    private static List<string> MethodsIn(string name, JsonObject parameters)
    {
        var methods = new List<string> { name };
        if (name == "batch")
        {
            var cmd = parameters.FirstOrDefault(p => string.Equals(p.Key, "cmd", StringComparison.OrdinalIgnoreCase)).Value;
            foreach (var text in PhpJson.AsList(cmd).Select(Methods.BatchMethod.CommandText).OfType<string>())
            {
                var q = text.IndexOf('?', StringComparison.Ordinal);
                methods.Add(MethodInvoker.NormalizeName(q < 0 ? text : text[..q]));
            }
        }

        return [.. methods.Distinct()];
    }

    internal static Task WriteErrorAsync(HttpContext http, RestException error)
    {
        var body = new JsonObject { ["error"] = error.Code, ["error_description"] = error.Description };
        if (error.Argument is not null)
        {
            body["argument"] = error.Argument;
        }

        return WriteJsonAsync(http, (int)error.Status, body);
    }

    internal static Task WriteJsonAsync(HttpContext http, int status, JsonNode body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        return http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
    }
}
