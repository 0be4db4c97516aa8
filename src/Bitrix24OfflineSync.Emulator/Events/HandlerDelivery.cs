using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.OAuth;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Events;

/// <summary>
/// What the queue server POSTs to a handler: a form body with <c>event</c>, <c>event_handler_id</c>, <c>data[...]</c>,
/// <c>ts</c> and <c>auth[...]</c> in PHP-style keys. Sends once; the server never retries.
/// </summary>
internal sealed class HandlerDelivery(BitrixWorld world)
{
    /// <summary>
    /// The <c>auth</c> block. With <paramref name="tokens"/> it carries the full set; without, only what lets the
    /// handler tell the portal and check application_token (as ONAPPUNINSTALL and events without a user get).
    /// </summary>
    public JsonObject Auth(EmulatedPortal portal, AppInstallation installation, TokenPair? tokens, bool withRefreshToken)
    {
        var serverEndpoint = new Uri(world.OAuthServerAddress, "rest/").ToString();
        if (tokens is null)
        {
            return new JsonObject
            {
                ["domain"] = portal.Domain,
                ["server_endpoint"] = serverEndpoint,
                ["client_endpoint"] = portal.ClientEndpoint.ToString(),
                ["member_id"] = portal.MemberId,
                ["application_token"] = installation.ApplicationToken,
            };
        }

        var auth = new JsonObject
        {
            ["access_token"] = tokens.AccessToken,
            ["expires_in"] = Seconds(tokens.AccessExpiresAt - world.Time.GetUtcNow()),
            ["scope"] = installation.App.Scope,
            ["domain"] = portal.Domain,
            ["server_endpoint"] = serverEndpoint,
            ["status"] = "L",
            ["client_endpoint"] = portal.ClientEndpoint.ToString(),
            ["member_id"] = portal.MemberId,
        };
        if (withRefreshToken)
        {
            auth["refresh_token"] = tokens.RefreshToken;
        }

        auth["application_token"] = installation.ApplicationToken;
        return auth;
    }

    /// <summary>Sender's auth for an event: tokens for the user when the event sends auth and there is a user.</summary>
    public JsonObject AuthFor(EmulatedPortal portal, AppInstallation installation, EventInfo info, int userId) =>
        info.SendAuth && userId > 0
            ? Auth(portal, installation, world.OAuth.IssueForEvent(portal, installation.App, userId), info.SendRefreshToken)
            : Auth(portal, installation, tokens: null, withRefreshToken: false);

    public string Body(string eventName, long? handlerId, JsonNode? data, JsonObject auth)
    {
        var body = new JsonObject { ["event"] = eventName };
        if (handlerId is { } id)
        {
            body["event_handler_id"] = id.ToString(CultureInfo.InvariantCulture);
        }

        if (data is not null)
        {
            body["data"] = PhpJson.Normalize(data);
        }

        body["ts"] = world.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        body["auth"] = auth;
        return PhpQuery.Build(body);
    }

    /// <summary>POSTs the body and logs the outcome; null when the handler could not be reached.</summary>
    public async Task<int?> SendAsync(EmulatedPortal portal, string eventName, string appId, long? handlerId, string url, string body, CancellationToken cancellationToken = default)
    {
        var sequence = world.NextSequence();
        var at = world.Time.GetUtcNow();
        int? status = null;
        string? failure = null;
        try
        {
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            using var response = await world.Outbound.PostAsync(new Uri(url), content, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException ex)
        {
            failure = ex.Message;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failure = "timeout";
        }
        catch (UriFormatException ex)
        {
            failure = ex.Message;
        }
        finally
        {
            portal.Deliveries.Add(new DeliveryRecord(sequence, at, eventName, url, appId, handlerId, status, failure, Suppressed: false, body));
        }

        return status;
    }

    public void LogSuppressed(EmulatedPortal portal, EventBinding binding) =>
        portal.Deliveries.Add(new DeliveryRecord(
            world.NextSequence(), world.Time.GetUtcNow(), binding.EventName, binding.Handler, binding.AppId, binding.Id, null, null, Suppressed: true, null));

    private static string Seconds(TimeSpan span) => ((long)Math.Round(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
