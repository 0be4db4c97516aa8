using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Bitrix24OfflineSync.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Bitrix24OfflineSync.Tests.Webhooks;

/// <summary>
/// Bodies that are well formed as JSON or as a form but spell no valid string in a key or a value: each is a 400
/// with a problem document, never a 5xx, and writes no Error event.
/// </summary>
public sealed class UnreadableStringTests
{
    private const string Json = "application/json";
    private const string Form = "application/x-www-form-urlencoded";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, byte[]> Bodies => new()
    {
        // JSON: escapes that decode to a lone surrogate, in values and keys, at any depth.
        { "JSON lone high surrogate in a value", Json, Ascii("""{"event":"\ud800"}""") },
        { "JSON lone low surrogate in a value", Json, Ascii("""{"event":"ONOFFLINEEVENT","auth":{"member_id":"\udfff"}}""") },
        { "JSON surrogates in the wrong order", Json, Ascii("""{"event":"\udc00\ud800"}""") },
        { "JSON high surrogate before a letter", Json, Ascii("""{"event":"\ud800\u0041"}""") },
        { "JSON lone surrogate at the end of a longer value", Json, Ascii("""{"event":"ONOFFLINEEVENT","auth":{"application_token":"abc\ud83d"}}""") },
        { "JSON lone surrogate in an array item", Json, Ascii("""{"event":"ONAPPINSTALL","data":["\ud800"]}""") },
        { "JSON lone surrogate in a key", Json, Ascii("""{"\ud800":"x"}""") },
        { "JSON lone surrogate in a nested key", Json, Ascii("""{"event":"ONOFFLINEEVENT","auth":{"member_id\udc00":"a"}}""") },
        // JSON: raw bytes that are not UTF-8.
        { "JSON invalid UTF-8 byte in a value", Json, Bytes("{\"event\":\"", [0xFF], "\"}") },
        { "JSON UTF-8 encoded surrogate in a key", Json, Bytes("{\"", [0xED, 0xA0, 0x80], "\":\"x\"}") },
        { "JSON overlong UTF-8 in a value", Json, Bytes("{\"auth\":{\"member_id\":\"", [0xC0, 0xAF], "\"}}") },
        // Form: percent-escapes that decode to bytes that are not UTF-8, in values and keys.
        { "form UTF-8 encoded surrogate in a value", Form, Ascii("event=%ED%A0%80") },
        { "form overlong UTF-8 in a value", Form, Ascii("event=ONOFFLINEEVENT&auth[member_id]=%C0%AF") },
        { "form code point above U+10FFFF in a value", Form, Ascii("event=ONOFFLINEEVENT&auth[application_token]=%F4%90%80%80") },
        { "form truncated sequence in a value", Form, Ascii("event=ONOFFLINEEVENT&auth[member_id]=ab%E2%82") },
        { "form invalid UTF-8 in a key", Form, Ascii("event=ONOFFLINEEVENT&%FF=1") },
        { "form UTF-8 encoded surrogate inside a bracketed key", Form, Ascii("event=ONOFFLINEEVENT&auth[%ED%B0%80]=x") },
        { "form invalid UTF-8 after a plus in a key", Form, Ascii("event=ONOFFLINEEVENT&a+%FE=1") },
        // Form: raw bytes that are not UTF-8, unescaped.
        { "form raw invalid byte in a key", Form, Bytes("event=ONOFFLINEEVENT&", [0xFF], "=1") },
        { "form raw invalid byte in a value", Form, Bytes("event=ONOFFLINEEVENT&auth[member_id]=", [0xC3, 0x28], "") },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task BodyWithoutValidStrings_Is400WithAProblemDocumentAndNoErrorEvent(string name, string contentType, byte[] body)
    {
        await using var service = await ServiceHarness.StartAsync(world: null);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        using var response = await service.Http.PostAsync(service.EventsUrl, content, Ct);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: answered {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("rejected", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Single(service.Logs.Of(1008), e => e["StatusCode"] == "400");
        Assert.DoesNotContain(service.Logs.Events, e => e.Level >= LogLevel.Error);
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] Bytes(string before, byte[] middle, string after) => [.. Ascii(before), .. middle, .. Ascii(after)];
}
