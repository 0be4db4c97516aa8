using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.TestKit;

/// <summary>A bare HTTP client for the emulator's REST endpoint, so tests see exactly what goes over the wire.</summary>
public sealed class RestClient(HttpClient http, Uri clientEndpoint, string accessToken) : IDisposable
{
    public string AccessToken { get; set; } = accessToken;

    public Uri ClientEndpoint { get; } = clientEndpoint;

    /// <summary>Calls a method with a JSON body and the token as <c>auth</c>.</summary>
    public Task<RestAnswer> CallAsync(string method, JsonObject? parameters = null, CancellationToken cancellationToken = default)
    {
        var body = parameters?.DeepClone().AsObject() ?? [];
        body["auth"] = AccessToken;
        var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(ClientEndpoint, method)) { Content = content }, cancellationToken);
    }

    /// <summary>Calls a method with a form body in PHP-style keys, the token as a Bearer header.</summary>
    public Task<RestAnswer> CallFormAsync(string method, string form, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ClientEndpoint, method))
        {
            Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        return SendAsync(request, cancellationToken);
    }

    public async Task<RestAnswer> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using (request)
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return new RestAnswer(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers);
        }
    }

    /// <summary>Builds a JSON object from PHP-style form text, for writing parameters compactly.</summary>
    public static JsonObject Params(string form) => PhpQuery.Parse(form);

    public void Dispose() => http.Dispose();
}
