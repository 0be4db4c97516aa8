using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Bitrix24OfflineSync.TestKit;

/// <summary>What the emulator answered a <see cref="RestClient"/> call: status, parsed body and headers.</summary>
public sealed record RestAnswer(HttpStatusCode Status, JsonNode? Body, HttpResponseHeaders Headers)
{
    public JsonNode? Result => Body?["result"];

    public string? Error => Body?["error"]?.GetValue<string>();

    public string? ErrorDescription => Body?["error_description"]?.GetValue<string>();

    /// <summary>Fails with the answer's body when it is not a success.</summary>
    public RestAnswer EnsureSuccess() =>
        Status == HttpStatusCode.OK && Body?["error"] is null ? this : throw new InvalidOperationException($"Call failed: {(int)Status} {Body?.ToJsonString()}");
}
