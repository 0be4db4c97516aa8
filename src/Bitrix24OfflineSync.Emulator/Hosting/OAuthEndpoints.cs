using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.OAuth;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Hosting;

/// <summary><c>/oauth/token/</c>: refresh-token and authorization-code grants with client credentials, as oauth.bitrix24.tech.</summary>
internal static class OAuthEndpoints
{
    public static IEndpointRouteBuilder MapOAuth(this IEndpointRouteBuilder endpoints, BitrixWorld world)
    {
        endpoints.MapMethods("/oauth/token/", ["GET", "POST"], (HttpContext http) => TokenAsync(http, world));
        return endpoints;
    }

    private static async Task TokenAsync(HttpContext http, BitrixWorld world)
    {
        JsonObject parameters;
        try
        {
            parameters = await RequestParameters.ReadAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        }
        catch (RestException)
        {
            await WriteAsync(http, 400, Error("invalid_request", "Malformed request")).ConfigureAwait(false);
            return;
        }

        string? Get(string name) => MethodContext.Scalar(parameters[name]);
        try
        {
            var (grant, pair) = Get("grant_type") switch
            {
                "refresh_token" => world.OAuth.Refresh(Get("client_id"), Get("client_secret"), Get("refresh_token")),
                "authorization_code" => world.OAuth.ExchangeCode(Get("client_id"), Get("client_secret"), Get("code")),
                _ => throw new OAuthException("invalid_request", "Unsupported grant_type"),
            };
            var now = world.Time.GetUtcNow();
            var body = new JsonObject
            {
                ["access_token"] = pair.AccessToken,
                ["client_endpoint"] = grant.Portal.ClientEndpoint.ToString(),
                ["domain"] = world.Options.OAuthDomain,
                ["expires"] = pair.AccessExpiresAt.ToUnixTimeSeconds(),
                // Rounded: the pair was issued a moment before "now", and the real server answers a whole 3600.
                ["expires_in"] = (long)Math.Round((pair.AccessExpiresAt - now).TotalSeconds),
                ["member_id"] = grant.Portal.MemberId,
                ["refresh_token"] = pair.RefreshToken,
                ["scope"] = grant.App.Scope,
                ["server_endpoint"] = new Uri(world.OAuthServerAddress, "rest/").ToString(),
                ["status"] = "L",
                ["user_id"] = grant.UserId,
            };
            await WriteAsync(http, 200, body).ConfigureAwait(false);
        }
        catch (OAuthException ex)
        {
            await WriteAsync(http, ex.Code == "invalid_client" ? 401 : 400, Error(ex.Code, ex.Description)).ConfigureAwait(false);
        }
    }

    private static JsonObject Error(string code, string description) => new() { ["error"] = code, ["error_description"] = description };

    private static Task WriteAsync(HttpContext http, int status, JsonObject body) => RestEndpoints.WriteJsonAsync(http, status, body);
}
