using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.TestKit;

namespace Bitrix24OfflineSync.Emulator.Tests.Hosting;

/// <summary>Calls the emulator's control endpoints under <c>/_emulator/</c> as a script would.</summary>
internal static class ControlKit
{
    public static async Task<ControlAnswer> ControlAsync(this EmulatorHarness emulator, HttpMethod method, string path, string? body = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, new Uri(emulator.World.BaseAddress, $"_emulator/{path}"));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new ControlAnswer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}

internal sealed record ControlAnswer(HttpStatusCode Status, string? ContentType, JsonNode? Body);
